"""Request bodies as Slack sends them, and as it never should: every command whatever its text,
and malformed or incomplete requests refused with 400/401, one log line, nothing recorded."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_harness import CHANNEL, EDITOR, TEAM, SlackBot, all_text, signed_headers, wait_for

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        bot.slack.reset()
        yield bot


def _command(bot: SlackBot, text: str, **fields: str) -> str:
    return urlencode(
        {
            "command": "/regrights",
            "text": text,
            "user_id": EDITOR,
            "channel_id": CHANNEL,
            "channel_name": "deals",
            "team_id": TEAM,
            "response_url": bot.slack.new_response_url(),
            "trigger_id": "1.1.abc",
            **fields,
        }
    )


def test_help_about_the_word_payload_is_answered(bot: SlackBot) -> None:
    answer = bot.ask("help payload")
    assert "there is no command `payload`" in answer["text"]


def test_a_command_from_a_channel_named_payload_team_records(bot: SlackBot) -> None:
    body = _command(bot, "s3-eligible on 2024-01-02", channel_name="payload-team")
    response = bot.post(body, signed_headers(body, FORM))
    assert response.status_code == 200
    wait_for(lambda: bot.slack.messages())
    assert [e["kind"] for e in bot.history()] == ["s3-eligible"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot-json", FORM),
        ("payload=", FORM),
        ("payload=%5B1%2C2%5D", FORM),  # JSON, but not an object
        ("command=%2Fregrights&text=status&user_id=U0EDITOR&channel_id=C0DEALS", JSON),
        ('{"type": 7}', JSON),
        ("%%%", FORM),
        ("text=status", FORM),
        ("<xml/>", "text/xml"),
    ],
    ids=[
        "bad-json",
        "empty",
        "json-array",
        "form-as-json",
        "json-no-type",
        "bad-form",
        "no-kind",
        "xml",
    ],
)
def test_malformed_bodies_get_400_and_one_log_line(
    bot: SlackBot, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="regrights.http"):
        response = bot.post(body, signed_headers(body, content_type))
    assert response.status_code == 400
    assert response.json()["ok"] is False
    refusals = [r for r in caplog.records if r.name == "regrights.http"]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert bot.history() == []
    assert bot.slack.calls() == []


def test_malformed_but_unsigned_is_401(bot: SlackBot) -> None:
    body = "payload=%7Bnot-json"
    response = bot.post(body, signed_headers(body, FORM, secret="not-the-secret"))
    assert response.status_code == 401


@pytest.mark.parametrize("timestamp", ["yesterday", "", "1e9", "-5"])
def test_non_numeric_timestamp_is_401(bot: SlackBot, timestamp: str) -> None:
    body = _command(bot, "s3-eligible on 2024-01-02")
    headers = signed_headers(body, FORM)
    headers["X-Slack-Request-Timestamp"] = timestamp
    response = bot.post(body, headers)
    assert response.status_code == 401
    assert bot.history() == []


@pytest.mark.parametrize("missing", ["user_id", "channel_id"])
def test_signed_command_without_user_or_channel_is_400(bot: SlackBot, missing: str) -> None:
    fields = {
        "command": "/regrights",
        "text": "s3-eligible on 2024-01-02",
        "user_id": EDITOR,
        "channel_id": CHANNEL,
        "response_url": bot.slack.new_response_url(),
    }
    del fields[missing]
    body = urlencode(fields)
    response = bot.post(body, signed_headers(body, FORM))
    assert response.status_code == 400
    assert missing in response.json()["error"]
    assert bot.history() == []
    assert bot.slack.calls() == []


def test_block_actions_without_a_user_is_400(bot: SlackBot) -> None:
    payload = {"type": "block_actions", "actions": [{"action_id": "regrights_undo", "value": "{}"}]}
    body = urlencode({"payload": json.dumps(payload)})
    assert bot.post(body, signed_headers(body, FORM)).status_code == 400


def test_url_verification_and_ssl_check_still_answered(bot: SlackBot) -> None:
    challenge = json.dumps({"token": "t", "challenge": "c4ll3ng3", "type": "url_verification"})
    response = bot.post(challenge, signed_headers(challenge, JSON))
    assert response.status_code == 200
    assert "c4ll3ng3" in response.text
    check = urlencode({"ssl_check": "1", "token": "t"})
    assert bot.post(check, signed_headers(check, FORM)).status_code == 200


def test_enterprise_grid_command_still_answered(bot: SlackBot) -> None:
    body = _command(
        bot, "status", enterprise_id="E0GRID", enterprise_name="Grid", is_enterprise_install="false"
    )
    response = bot.post(body, signed_headers(body, FORM))
    assert response.status_code == 200
    assert "nStor" in all_text(response.json())
