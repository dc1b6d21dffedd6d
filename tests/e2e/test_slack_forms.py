"""The forms of SPEC §9 end to end over signed HTTP: opened with views.open, submitted as
Slack submits them, recorded through the same service as the typed command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_harness import ADMIN, CHANNEL, EDITOR, READER, SlackBot, all_text, wait_for

from bot.slack.home import OPEN_DELAY_CHECK_ACTION, OPEN_RECORD_ACTION
from bot.slack.record_form import RECORD_FORM

REASON_III = "discussions of a merger, acquisition, financing or similar transaction"


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        yield bot


def _select(value: str) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def _channel(value: str) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": value}


def _date(value: str) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def _number(value: int) -> dict[str, Any]:
    return {"type": "number_input", "value": str(value)}


def _radio(value: str) -> dict[str, Any]:
    return {
        "type": "radio_buttons",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def _block_ids(view: dict[str, Any]) -> list[str]:
    return [b.get("block_id", "") for b in view["blocks"]]


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    (block,) = [b for b in view["blocks"] if b.get("block_id") == block_id]
    element: dict[str, Any] = block["element"]
    return element


def _open_record_form(bot: SlackBot, user: str = EDITOR) -> dict[str, Any]:
    opened = len(bot.slack.opened_views())
    response, _ = bot.slash("record", user=user)
    assert response.status_code == 200
    assert response.text == ""  # an empty ack: the form says the rest
    # views.open is called before the ack, within the 3 s of the command's trigger_id.
    (call,) = bot.slack.opened_views()[opened:]
    view: dict[str, Any] = call["view"]
    return view


def test_with_nothing_to_delay_the_form_offers_no_delay_days(bot: SlackBot) -> None:
    # §2(d): no pending demand, nothing filed or effective: no Allowed Delay may begin.
    assert "no delay may begin today" in all_text(_open_record_form(bot))


def test_record_opens_a_modal_with_every_field(bot: SlackBot) -> None:
    bot.record("filed on 2024-05-01", user=EDITOR)  # something to delay (§2(d))
    view = _open_record_form(bot)
    (opened,) = bot.slack.calls("views.open")
    assert opened.params["trigger_id"].endswith(".1.abc")
    assert view["callback_id"] == RECORD_FORM and view["type"] == "modal"
    assert json.loads(view["private_metadata"]) == {"channel": CHANNEL}
    assert _block_ids(view)[:7] == [
        "event",
        "date",
        "delivery",
        "shares",
        "days",
        "ground",
        "reason",
    ]
    assert _element(view, "date")["type"] == "datepicker"
    assert [o["value"] for o in _element(view, "delivery")["options"]] == ["hand", "mail"]
    assert _element(view, "shares")["type"] == "number_input"
    assert REASON_III[:40] in all_text(_element(view, "reason"))
    assert "may last up to 90 days" in all_text(view)
    assert len(view["title"]["text"]) <= 24
    assert all(
        len(o["text"]["text"]) <= 75
        for b in view["blocks"]
        for o in b.get("element", {}).get("options", [])
    )


def test_the_form_shows_the_days_left_to_extend_a_running_delay(bot: SlackBot) -> None:
    _demand(bot)
    bot.record("delay 30 from 2024-05-20", user=EDITOR)
    view = _open_record_form(bot)
    assert "running until" in all_text(view)
    assert "extended by up to 60 days" in all_text(view)


def test_record_in_an_unbound_channel_opens_nothing(bot: SlackBot) -> None:
    response, _ = bot.slash("record", user=EDITOR, channel="C0ELSEWHERE")
    assert "not bound" in response.json()["text"]
    assert bot.slack.opened_views() == []


def test_an_expired_trigger_is_told(bot: SlackBot) -> None:
    bot.slack.fail_next("views.open", "error:expired_trigger_id")
    response, _ = bot.slash("record", user=EDITOR)
    assert "expired_trigger_id" in response.json()["text"]


def _demand(bot: SlackBot) -> None:
    bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    bot.record("demand 100000 on 2024-05-01", user=EDITOR)


def _typed_announcement(tmp_path: Path, text: str) -> dict[str, Any]:
    with SlackBot(tmp_path / "typed") as typed:
        typed.record("setup nstor-2002")
        typed.record(f"grant <@{EDITOR}|editor> editor")
        typed.record("s3-eligible on 2024-01-02", user=EDITOR)
        return typed.record(text, user=EDITOR).message


def test_a_submission_records_and_announces_as_the_typed_command(
    bot: SlackBot, tmp_path: Path
) -> None:
    bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    view = _open_record_form(bot)
    posted = len(bot.slack.messages())
    response = bot.submit_view(
        view,
        {
            "event": _select("demand"),
            "date": _date("2024-05-01"),
            "delivery": _radio("mail"),
            "shares": _number(100000),
        },
        user=EDITOR,
    )
    assert response.status_code == 200 and response.text == ""  # the modal closes
    (announcement,) = wait_for(lambda: bot.slack.messages()[posted:])
    (tmp_path / "typed").mkdir()
    typed = _typed_announcement(tmp_path, "demand 100000 on 2024-05-01 by mail")
    assert announcement["text"] == typed["text"]
    assert _without_block_ids(announcement["blocks"]) == _without_block_ids(typed["blocks"])
    event = bot.history()[0]
    assert event["kind"] == "demand" and event["on"] == "2024-05-01"


def _without_block_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each announcement's first block is named by a key of its own."""
    return [{k: v for k, v in block.items() if k != "block_id"} for block in blocks]


def test_a_delay_reason_reaches_only_its_recorder(bot: SlackBot) -> None:
    _demand(bot)
    view = _open_record_form(bot)
    posted = len(bot.slack.messages())
    response = bot.submit_view(
        view,
        {"event": _select("delay"), "days": _number(30), "reason": _select("iii")},
        user=EDITOR,
    )
    assert response.status_code == 200 and response.text == ""
    (announcement,) = wait_for(lambda: bot.slack.messages()[posted:])
    assert REASON_III not in all_text(announcement)
    (private,) = wait_for(lambda: bot.slack.ephemerals())
    assert private["user"] == EDITOR and private["channel"] == CHANNEL
    assert REASON_III in all_text(private)
    assert bot.history()[0]["kind"] == "delay"
    assert bot.history()[0]["reason"] == "iii"


def test_a_refused_submission_is_answered_in_the_modal(bot: SlackBot) -> None:
    _demand(bot)
    view = _open_record_form(bot)
    before = (bot.history(), len(bot.slack.messages()))
    response = bot.submit_view(view, {"event": _select("delay"), "days": _number(91)}, user=EDITOR)
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert answer["errors"]["days"].startswith("Refused under §2(d)")
    assert "Nothing was recorded" in answer["errors"]["days"]
    assert (bot.history(), len(bot.slack.messages())) == before


def test_a_readers_submission_is_refused_in_the_modal(bot: SlackBot) -> None:
    view = _open_record_form(bot)  # a reader is not given the form; a crafted one is refused
    response = bot.submit_view(view, {"event": _select("s3-eligible")}, user=READER)
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "only an editor may record events" in answer["errors"]["event"]
    assert bot.history() == []


def test_a_future_date_is_refused_in_the_modal(bot: SlackBot) -> None:
    view = _open_record_form(bot)
    response = bot.submit_view(
        view, {"event": _select("filed"), "date": _date("2030-01-02")}, user=EDITOR
    )
    assert "is in the future" in response.json()["errors"]["event"]
    assert bot.history() == []


@pytest.mark.parametrize(
    ("values", "block", "words"),
    [
        ({"event": _select("demand")}, "shares", "give the number of shares"),
        ({"event": _select("filed"), "shares": _number(5)}, "shares", "only for"),
        ({"event": _select("delay")}, "days", "give the number of days"),
        ({"event": _select("terminated")}, "ground", "choose the ground"),
        ({"event": _select("filed"), "delivery": _radio("mail")}, "delivery", "only a notice"),
        ({"event": _select("filed"), "reason": _select("i")}, "reason", "only for a delay"),
        (
            {"event": _select("delay extend"), "days": _number(5), "date": _date("2024-06-01")},
            "date",
            "no date",
        ),
        ({"event": _select("filing-planned")}, "date", "anticipated filing date"),
        ({}, "event", "Choose what happened"),
        ({"event": _select("no-such-event")}, "event", "Choose what happened"),
        (
            {"event": _select("delay"), "days": {"type": "number_input", "value": "1.5"}},
            "days",
            "whole number",
        ),
        ({"event": _select("delay"), "days": _number(4000)}, "days", "more than any delay"),
    ],
)
def test_a_form_that_cannot_stand_names_its_field(
    bot: SlackBot, values: dict[str, Any], block: str, words: str
) -> None:
    view = _open_record_form(bot)
    answer = bot.submit_view(view, values, user=EDITOR).json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block]
    assert words.lower() in answer["errors"][block].lower()
    assert bot.history() == []


def test_the_global_shortcut_offers_the_users_agreements(bot: SlackBot) -> None:
    assert bot.global_shortcut(RECORD_FORM, EDITOR).status_code == 200
    (call,) = bot.slack.opened_views()
    view = call["view"]
    agreement = _element(view, "agreement")
    assert agreement["type"] == "conversations_select"
    assert agreement["initial_conversation"] == CHANNEL
    posted = len(bot.slack.messages())
    response = bot.submit_view(
        view,
        {
            "agreement": _channel(CHANNEL),
            "event": _select("s3-eligible"),
            "date": _date("2024-01-02"),
        },
        user=EDITOR,
    )
    assert response.status_code == 200
    (announcement,) = wait_for(lambda: bot.slack.messages()[posted:])
    assert announcement["channel"] == CHANNEL
    assert [e["kind"] for e in bot.history()] == ["s3-eligible"]


def test_the_shortcut_for_someone_without_a_role_explains(bot: SlackBot) -> None:
    bot.global_shortcut(RECORD_FORM, READER)
    (call,) = bot.slack.opened_views()
    assert "submit" not in call["view"]
    assert "hold no role" in all_text(call["view"])


def test_app_home_buttons_open_both_forms(bot: SlackBot) -> None:
    bot.open_home(ADMIN)
    home = wait_for(lambda: bot.slack.published_views())[-1]["view"]
    buttons = [
        e["action_id"]
        for b in home["blocks"]
        if b.get("block_id") == "forms"
        for e in b["elements"]
    ]
    assert buttons == [OPEN_RECORD_ACTION, OPEN_DELAY_CHECK_ACTION]

    assert bot.press_home_button(OPEN_RECORD_ACTION, ADMIN).status_code == 200
    assert bot.slack.opened_views()[-1]["view"]["callback_id"] == RECORD_FORM

    _demand(bot)
    assert bot.press_home_button(OPEN_DELAY_CHECK_ACTION, ADMIN).status_code == 200
    check = bot.slack.opened_views()[-1]["view"]
    answer = bot.submit_view(
        check, {"agreement": _channel(CHANNEL), "days": _number(30)}, user=ADMIN
    ).json()
    assert answer["response_action"] == "update"
    assert "Allowed under §2(d)" in all_text(answer["view"])
    assert "Nothing was recorded" in all_text(answer["view"])
    assert [e["kind"] for e in bot.history()] == ["demand", "s3-eligible"]

    refused = bot.submit_view(
        check, {"agreement": _channel(CHANNEL), "days": _number(91)}, user=ADMIN
    ).json()
    assert "§2(d)" in all_text(refused["view"])
    missing = bot.submit_view(check, {"agreement": _channel(CHANNEL)}, user=ADMIN).json()
    assert missing == {"response_action": "errors", "errors": {"days": "Give the number of days."}}
