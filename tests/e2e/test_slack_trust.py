"""SPEC §14, with signed payloads in Slack's documented shapes: one agreement per channel, and
nothing in a payload taken on trust."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_harness import (
    ADMIN,
    CHANNEL,
    EDITOR,
    NOW,
    READER,
    TEAM,
    SlackBot,
    all_text,
    signed_headers,
    wait_for,
)
from slack_sdk import WebClient
from slack_sdk.models.views import View as ModalView
from slack_standin import SlackStandIn

from bot.alerts.slack_poster import SlackPoster
from bot.slack.home import OPEN_DELAY_CHECK_ACTION, OPEN_RECORD_ACTION
from bot.slack.record_form import RECORD_FORM
from domain.rules.terms import profile_text
from domain.services.service import Caller
from domain.store.delivery_keys import KEPT_FOR, prune

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
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
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


def _channel(value: str) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": value}


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


@pytest.fixture
def two_instances(
    tmp_path: Path, migrated_postgres_url: str
) -> Iterator[tuple[SlackBot, SlackBot]]:
    """Two instances of the app on one PostgreSQL database and one Slack."""
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    url = migrated_postgres_url
    with (
        SlackBot(tmp_path / "first", database_url=url) as first,
        SlackBot(tmp_path / "second", database_url=url, slack=first.slack) as second,
    ):
        first.record("setup nstor-2002")
        yield first, second


def test_one_signed_write_delivered_to_two_instances_is_recorded_once(
    two_instances: tuple[SlackBot, SlackBot],
) -> None:
    first, second = two_instances
    first.record("s3-eligible on 2024-01-02")
    first.record("demand 1000 on 2024-05-01")
    body = first.slash_body("filing-planned 2024-09-02", user=ADMIN)
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    posted = len(first.slack.messages())
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda bot: bot.post(body, headers), [first, second, first]))
    assert [a.status_code for a in answers] == [200, 200, 200]
    texts = sorted(a.json()["text"] for a in answers)
    assert sum("Recorded #3" in t for t in texts) == 1, texts
    assert sum(t.startswith("Already recorded") for t in texts) == 2, texts
    assert [e["kind"] for e in first.history()] == ["filing-planned", "demand", "s3-eligible"]
    wait_for(lambda: first.owed() == 0)
    assert len(first.slack.messages()[posted:]) == 1


def test_an_event_retried_to_the_other_instance_is_handled_once(
    two_instances: tuple[SlackBot, SlackBot],
) -> None:
    first, second = two_instances
    body = json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A0REGRIGHTS",
            "type": "event_callback",
            "event_id": "Ev0TRUST0001",
            "event_time": int(NOW.timestamp()),
            "event": {
                "type": "app_home_opened",
                "user": ADMIN,
                "channel": "D0HOME",
                "tab": "home",
                "event_ts": "1717426800.000200",
            },
        }
    )
    assert first.post(body, signed_headers(body, "application/json")).status_code == 200
    wait_for(lambda: first.slack.published_views())
    retry = {**signed_headers(body, "application/json"), "X-Slack-Retry-Num": "1"}
    retry["X-Slack-Retry-Reason"] = "http_timeout"
    assert second.post(body, retry).status_code == 200
    second.app.listener_runner.listener_executor.shutdown(wait=True)
    assert len(first.slack.published_views()) == 1


def test_delivery_keys_are_kept_a_day_then_forgotten(bot: SlackBot) -> None:
    with bot.engine.connect() as connection:
        kept = connection.exec_driver_sql("SELECT count(*) FROM delivery").scalar_one()
    assert kept >= 2  # the fixture's setup and grant
    prune(bot.service.uow, NOW + KEPT_FOR - timedelta(minutes=1))
    with bot.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM delivery").scalar_one() == kept
    prune(bot.service.uow, NOW + KEPT_FOR + timedelta(minutes=1))
    with bot.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM delivery").scalar_one() == 0


def test_undo_updates_only_the_apps_own_announcement_rebuilt_from_its_record(
    bot: SlackBot,
) -> None:
    setup_post = next(m for m in bot.slack.messages(CHANNEL) if "Set up" in m["text"])
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    # The payload's message names the setup post and carries blocks of the sender's choosing
    # (the first keeps the announcement's key).
    forged = {
        **recorded.message,
        "ts": setup_post["ts"],
        "text": "*Attacker-chosen text* <!channel>",
        "blocks": [
            {
                **recorded.message["blocks"][0],
                "text": {"type": "mrkdwn", "text": "*Attacker* <!channel>"},
            },
            *recorded.message["blocks"][1:],
        ],
    }
    url = bot.click_undo(forged, EDITOR)
    assert "Undone: #1" in wait_for(lambda: bot.slack.response_posts(url))[0]["text"]
    (update,) = wait_for(lambda: bot.slack.calls("chat.update"))
    assert update.params["ts"] == recorded.message["ts"]
    assert "Attacker" not in all_text(update.params)
    shown = {m["ts"]: m for m in bot.slack.messages(CHANNEL)}
    assert shown[setup_post["ts"]] == setup_post
    assert "Attacker" not in all_text(list(shown.values()))
    (thread_reply,) = [m for m in bot.slack.messages() if m.get("thread_ts", m["ts"]) != m["ts"]]
    assert thread_reply["thread_ts"] == recorded.message["ts"]


@pytest.mark.parametrize("fault", ["value", "channel"])
def test_a_malformed_undo_payload_is_answered_and_changes_nothing(
    bot: SlackBot, fault: str
) -> None:
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    (button,) = [
        e for b in recorded.message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    url = bot.slack.new_response_url()
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": EDITOR, "username": "editor", "team_id": TEAM},
        "api_app_id": "A0REGRIGHTS",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": recorded.message["ts"],
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "trigger_id": "9.1.malformed",
        "team": {"id": TEAM, "domain": "standin"},
        "channel": {"id": CHANNEL, "name": "deals"},
        "message": {k: v for k, v in recorded.message.items() if k != "channel"},
        "response_url": url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "undo",
                "text": button["text"],
                "value": "not json {" if fault == "value" else button["value"],
                "action_ts": "1717426800.000100",
            }
        ],
    }
    if fault == "channel":
        del payload["channel"]
    assert bot.interact(payload).status_code == 200
    (answer,) = wait_for(lambda: bot.slack.response_posts(url))
    assert "cannot read that Undo button" in answer["text"]
    assert [e["kind"] for e in bot.history()] == ["s3-eligible"]
    assert bot.slack.calls("chat.update") == []


def test_a_form_acts_only_for_a_channel_its_user_is_a_member_of(bot: SlackBot) -> None:
    bot.record("setup other-2020", channel=OTHER_CHANNEL)
    bot.slack.channel_members[OTHER_CHANNEL] = [ADMIN, bot.slack.bot_user_id]
    bot.open_home(ADMIN)
    wait_for(lambda: bot.slack.published_views())
    assert bot.press_home_button(OPEN_DELAY_CHECK_ACTION, ADMIN).status_code == 200
    check = bot.slack.opened_views()[-1]["view"]
    days = {"type": "number_input", "value": "30"}

    for user in (READER, EDITOR):  # no role there; or a role elsewhere
        answer = bot.submit_view(
            check, {"agreement": _channel(OTHER_CHANNEL), "days": days}, user=user
        ).json()
        assert answer["response_action"] == "errors", answer
        assert "not a member" in answer["errors"]["agreement"]
        assert "§2(d)" not in all_text(answer)
    allowed = bot.submit_view(check, {"agreement": _channel(CHANNEL), "days": days}, user=READER)
    assert allowed.json()["response_action"] == "update"

    record = _open_record_form(bot)  # opened in CHANNEL; its channel forged to the other one
    forged = {**record, "private_metadata": json.dumps({"channel": OTHER_CHANNEL})}
    refused = bot.submit_view(forged, {"event": _select("s3-eligible")}, user=EDITOR).json()
    assert "not a member" in refused["errors"]["event"]
    caller = Caller(user=ADMIN, channel=OTHER_CHANNEL, source="test", now=NOW)
    assert bot.service.handle("history", caller).data["events"] == []


def _within_slacks_limits(view: dict[str, Any]) -> None:
    ModalView(**view).validate_json()  # slack_sdk's own checks: 100 blocks, 3,000 characters
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        options = block.get("element", {}).get("options", [])
        assert len(options) <= 100
        labels = [o["text"]["text"] for o in options]
        assert len(set(labels)) == len(labels), labels  # labels that tell choices apart
        assert len(json.dumps(block.get("text", ""))) <= 3100


def test_forms_and_home_stay_within_slacks_limits_with_240_channels(bot: SlackBot) -> None:
    for i in range(240):
        agreement = "nstor-2002" if i % 2 else "other-2020"
        caller = Caller(user=ADMIN, channel=f"C{i:08d}", source="test", now=NOW)
        assert bot.service.handle(f"setup {agreement}", caller).ok
    assert bot.global_shortcut(RECORD_FORM, ADMIN).status_code == 200
    _within_slacks_limits(bot.slack.opened_views()[-1]["view"])
    bot.open_home(ADMIN)
    home = wait_for(lambda: bot.slack.published_views())[-1]["view"]
    for block in home["blocks"]:
        assert len(block.get("text", {}).get("text", "")) <= 3000
    assert len(home["blocks"]) <= 100
    assert bot.press_home_button(OPEN_DELAY_CHECK_ACTION, ADMIN).status_code == 200
    check = bot.slack.opened_views()[-1]["view"]
    _within_slacks_limits(check)
    days = {"type": "number_input", "value": "5"}
    answer = bot.submit_view(check, {"agreement": _channel("C00000007"), "days": days}, user=ADMIN)
    assert answer.json()["response_action"] == "update"


def test_the_alert_poster_reads_no_channel_unless_told(tmp_path: Path) -> None:
    with SlackStandIn() as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        assert SlackPoster(client).find(CHANNEL, "deadline#1", NOW) is None
        assert slack.calls("conversations.history") == []
        SlackPoster(client, read_history=True).find(CHANNEL, "deadline#1", NOW)
        assert len(slack.calls("conversations.history")) == 1


def test_a_form_that_slack_would_not_open_from_the_home_tab_is_told_there(bot: SlackBot) -> None:
    bot.open_home(EDITOR)
    wait_for(lambda: bot.slack.published_views())
    bot.slack.fail_next("views.open", "error:expired_trigger_id")
    assert bot.press_home_button(OPEN_RECORD_ACTION, EDITOR).status_code == 200
    told = wait_for(lambda: bot.slack.published_views()[1:])[-1]
    assert told["user_id"] == EDITOR
    assert "expired_trigger_id" in all_text(told["view"])
