"""The Slack app manifest validates against Slack's schema and asks for no more than it needs."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.slack.record_form import RECORD_FORM

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "manifest.yml"
SCHEMA = Path(__file__).resolve().parents[1] / "slack_schema" / "manifest.schema.1.0.0.json"

EXPECTED_BOT_SCOPES = {
    "chat:write",
    "commands",
    "channels:read",
    "groups:read",
    "files:write",
    "im:write",
}
HTTP_URL = "https://YOUR-HOST/slack/events"


def _schema() -> dict[str, Any]:
    # A missing schema must fail the suite, never skip it: say so plainly.
    assert SCHEMA.is_file(), f"Slack manifest schema not found at {SCHEMA}"
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


def _validator() -> jsonschema.Draft7Validator:
    schema = _schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.fixture
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _errors(doc: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
        for e in _validator().iter_errors(doc)
    ]


def test_manifest_validates_against_slack_schema(manifest: dict[str, Any]) -> None:
    assert _errors(manifest) == []


def test_slash_command_is_regrights(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/regrights"]
    assert "help" in commands[0]["usage_hint"]
    assert commands[0]["description"]


def test_slash_command_escapes_mentions(manifest: dict[str, Any]) -> None:
    """`grant @name editor` must reach the bot as <@U123|name>: a user ID, not a display name."""
    assert manifest["features"]["slash_commands"][0]["should_escape"] is True


def test_bot_scopes_are_exactly_the_minimal_set(manifest: dict[str, Any]) -> None:
    bot = manifest["oauth_config"]["scopes"]["bot"]
    assert len(bot) == len(set(bot)), "duplicate scope"
    assert set(bot) == EXPECTED_BOT_SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_home_tab_enabled_and_app_home_opened_subscribed(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_interactivity_enabled(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_the_record_shortcut_is_the_forms(manifest: dict[str, Any]) -> None:
    (shortcut,) = manifest["features"]["shortcuts"]
    assert shortcut["type"] == "global"
    assert shortcut["callback_id"] == RECORD_FORM


def test_committed_form_is_socket_mode_with_fixed_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    # Socket Mode installs with no public URL: no live request URL in the committed form.
    assert "request_url" not in settings["interactivity"]
    assert "request_url" not in settings["event_subscriptions"]
    assert "url" not in manifest["features"]["slash_commands"][0]


def test_background_color_is_a_hex_colour(manifest: dict[str, Any]) -> None:
    # The schema spells this constraint "regex", which JSON Schema ignores; check it here.
    colour = manifest["display_information"].get("background_color")
    if colour is not None:
        assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", colour)


def test_documented_http_form_validates(manifest: dict[str, Any]) -> None:
    """The HTTP switch the top comment describes also gives a valid manifest."""
    text = MANIFEST.read_text(encoding="utf-8")
    assert text.count(HTTP_URL) >= 3, "the commented request URLs are documented in manifest.yml"
    http = copy.deepcopy(manifest)
    http["settings"]["socket_mode_enabled"] = False
    http["settings"]["interactivity"]["request_url"] = HTTP_URL
    http["settings"]["event_subscriptions"]["request_url"] = HTTP_URL
    http["features"]["slash_commands"][0]["url"] = HTTP_URL
    assert _errors(http) == []


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        ("drop display_information.name", "'name' is a required property"),
        ("drop interactivity.is_enabled", "'is_enabled' is a required property"),
        ("slash command without leading slash", "does not match"),
        ("request URL without a scheme", "does not match"),
        ("unknown top-level key", "Additional properties are not allowed"),
    ],
)
def test_broken_copy_fails_validation(
    manifest: dict[str, Any], breakage: str, expected: str
) -> None:
    broken = copy.deepcopy(manifest)
    if breakage == "drop display_information.name":
        del broken["display_information"]["name"]
    elif breakage == "drop interactivity.is_enabled":
        del broken["settings"]["interactivity"]["is_enabled"]
    elif breakage == "slash command without leading slash":
        broken["features"]["slash_commands"][0]["command"] = "regrights"
    elif breakage == "request URL without a scheme":
        broken["settings"]["event_subscriptions"]["request_url"] = "YOUR-HOST/slack/events"
    elif breakage == "unknown top-level key":
        broken["slash_commands"] = broken["features"].pop("slash_commands")
    errors = _errors(broken)
    assert errors, f"{breakage}: expected a validation error"
    assert any(expected in e for e in errors), errors
