"""SPEC §14, with signed payloads in Slack's documented shapes: one agreement per channel, and
nothing in a payload taken on trust."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_harness import CHANNEL, EDITOR, READER, SlackBot, all_text

from domain.rules.terms import profile_text

OTHER_ADMIN = "U0OTHERADMIN"
OTHER_CHANNEL = "C0OTHER"


def _second_profile(directory: Path) -> Path:
    """A second agreement's profile: the bundled one under another id and title."""
    text, _ = profile_text("nstor-2002")
    text = text.replace("id: nstor-2002", "id: other-2020").replace(
        "title: nStor Technologies", "title: Other Holdings"
    )
    directory.mkdir()
    (directory / "other-2020.yaml").write_text(text)
    return directory


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with SlackBot(tmp_path) as bot:
        bot.service.profile_dirs = (_second_profile(tmp_path / "profiles"),)
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}> editor")
        yield bot


def test_an_admin_of_another_agreement_cannot_take_over_a_bound_channel(bot: SlackBot) -> None:
    bot.record("setup other-2020", channel=OTHER_CHANNEL)
    bot.record(f"grant <@{OTHER_ADMIN}> admin", channel=OTHER_CHANNEL)

    refused = bot.ask("setup other-2020", user=OTHER_ADMIN)
    assert refused["text"].startswith("Refused"), refused
    assert "nStor" in bot.ask("status", user=READER)["text"]

    # A global admin may rebind it, and the announcement names what was unbound.
    moved = bot.record("setup other-2020")
    assert "Other Holdings" in moved.message["text"]
    assert "no longer bound to" in moved.message["text"]
    assert "nstor-2002" in all_text(moved.message)
    assert "Other Holdings" in bot.ask("status", user=READER)["text"]


def test_refused_writes_are_logged_with_who_and_where_and_never_a_reason(
    bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    assert bot.ask("setup nstor-2002", user=READER)["text"].startswith("Refused")
    assert bot.ask("setup nstor-2002", user=READER, channel="D0DIRECT")["text"].startswith(
        "Refused"
    )
    assert bot.ask("delay 400 reason iii", user=EDITOR)["text"].startswith("Refused")
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    assert any("setup" in line and READER in line and CHANNEL in line for line in lines), lines
    assert any("setup" in line and "D0DIRECT" in line for line in lines), lines
    assert any("delay" in line and EDITOR in line for line in lines), lines
    assert not any("iii" in r.getMessage() for r in caplog.records)


def _select(value: str) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def _open_record_form(bot: SlackBot, user: str = EDITOR) -> dict[str, Any]:
    response, _ = bot.slash("record", user=user)
    assert response.status_code == 200 and response.text == ""
    view: dict[str, Any] = bot.slack.opened_views()[-1]["view"]
    return view


@pytest.mark.parametrize(
    ("event", "field", "value"),
    [("terminated", "ground", "sold-all on 1999-01-01"), ("delay", "reason", "iii on 2020-01-01")],
)
def test_a_form_value_is_never_parsed_again_as_command_text(
    bot: SlackBot, event: str, field: str, value: str
) -> None:
    bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    bot.record("demand 1000 on 2024-05-01", user=EDITOR)
    before = bot.history()
    view = _open_record_form(bot)
    values = {"event": _select(event), field: _select(value)}
    if event == "delay":
        values["days"] = {"type": "number_input", "value": "10"}
    answer = bot.submit_view(view, values, user=EDITOR).json()
    assert answer["response_action"] == "errors", answer
    assert list(answer["errors"]) == [field]
    assert bot.history() == before


def test_a_reader_asking_for_the_record_form_is_told_at_once(bot: SlackBot) -> None:
    response, _ = bot.slash("record", user=READER)
    assert response.status_code == 200
    assert "Only an editor or an admin" in response.json()["text"]
    assert bot.slack.opened_views() == []
