"""The sharp edges of Slack's protocol, each over signed HTTP against the stand-in: commands in
a DM, announcements and connection failures, Events API retries, unresolved mentions, the
Undo button's double click, and alert recovery without message metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from alert_support import LEAD_14, agreement, alert_keys, alert_rows, poster_for
from slack_harness import (
    CHANNEL,
    EDITOR,
    NOW,
    READER,
    TEAM,
    SlackBot,
    signed_headers,
    wait_for,
)
from slack_standin import SlackStandIn

from bot.alerts.alert_pass import run_alert_pass
from bot.wiring import open_database
from domain.services.service import Caller

KEY_14 = "1/effectiveness#1/2026-03-19@-14"  # the first alert of the filing in alert_support


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        yield bot


# ----------------------------------------------------------------- 4. DMs and group DMs


def _slash_in(bot: SlackBot, text: str, channel: str, channel_name: str) -> dict[str, object]:
    body = urlencode(
        {
            "command": "/regrights",
            "text": text,
            "user_id": EDITOR,
            "channel_id": channel,
            "channel_name": channel_name,
            "team_id": TEAM,
            "response_url": bot.slack.new_response_url(),
            "trigger_id": "9.1.abc",
        }
    )
    response = bot.post(body, signed_headers(body, "application/x-www-form-urlencoded"))
    assert response.status_code == 200
    answer: dict[str, object] = response.json()
    return answer


@pytest.mark.parametrize(
    ("channel", "name"),
    [
        ("D0DIRECT", "directmessage"),
        ("G0GROUPDM", "mpdm-jane--john-1"),
        ("C0GROUPDM", "mpdm-a--b-1"),
    ],
)
@pytest.mark.parametrize("text", ["setup nstor-2002", "s3-eligible on 2024-01-02", "record"])
def test_setup_writes_and_the_form_are_refused_in_a_dm(
    bot: SlackBot, channel: str, name: str, text: str
) -> None:
    before = len(bot.slack.calls())
    answer = _slash_in(bot, text, channel, name)
    assert answer["response_type"] == "ephemeral"
    assert "direct message or a group DM" in str(answer["text"])
    assert "in a channel" in str(answer["text"])
    assert len(bot.slack.calls()) == before  # nothing posted, no form opened
    assert bot.history() == []
    unbound = bot.service.handle("status", _caller(channel))
    assert unbound.data["error"].startswith("this channel is not bound")


def _caller(channel: str) -> Caller:
    return Caller(user=EDITOR, channel=channel, source="test", now=NOW)


def test_help_still_answers_in_a_dm(bot: SlackBot) -> None:
    answer = _slash_in(bot, "help", "D0DIRECT", "directmessage")
    assert "direct message" not in str(answer["text"])
    assert "status" in str(answer["text"])


def test_a_private_channel_is_no_dm(bot: SlackBot) -> None:
    body = urlencode(
        {
            "command": "/regrights",
            "text": "setup nstor-2002",
            "user_id": "U0ADMIN",
            "channel_id": "G0PRIVATE",
            "channel_name": "privategroup",
            "team_id": TEAM,
            "response_url": bot.slack.new_response_url(),
        }
    )
    response = bot.post(body, signed_headers(body, "application/x-www-form-urlencoded"))
    assert response.status_code == 200
    assert "Bound" in response.json()["text"]  # a write, answered in its ack
    (bound,) = wait_for(lambda: bot.slack.messages("G0PRIVATE"))
    assert "Bound" in bound["text"]


# ----------------------------------------------------------------- 5. announcements once


@pytest.mark.parametrize("fault", ["accept_then_drop", "server_error"])
def test_an_announcement_slack_stored_before_failing_is_not_posted_again(
    bot: SlackBot, fault: str
) -> None:
    posted = len(bot.slack.messages())
    bot.slack.fail_next("chat.postMessage", fault)
    response, url = bot.slash("s3-eligible on 2024-01-02", user=EDITOR)
    assert response.status_code == 200
    wait_for(lambda: bot.slack.calls("conversations.history"))
    # After a 500 nothing was stored, and the post that follows the look may still be on its way.
    wait_for(lambda: bot.owed() == 0)
    messages = bot.slack.messages()[posted:]
    assert len(messages) == 1
    assert "Recorded #1" in messages[0]["text"]
    assert len(bot.history()) == 1
    assert bot.slack.response_posts(url) == []  # the announcement said it all


def test_an_announcement_that_never_reached_slack_is_posted_once(bot: SlackBot) -> None:
    posted = len(bot.slack.messages())
    bot.slack.fail_next("chat.postMessage", "drop_before")
    bot.slash("s3-eligible on 2024-01-02", user=EDITOR)
    wait_for(lambda: bot.owed() == 0)
    (message,) = bot.slack.messages()[posted:]
    assert "Recorded #1" in message["text"]
    assert [c.fault for c in bot.slack.calls("chat.postMessage")][-2:] == ["drop_before", None]


def test_an_undo_announcement_in_a_thread_is_not_posted_twice(bot: SlackBot) -> None:
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    bot.slack.fail_next("chat.postMessage", "accept_then_drop")
    bot.click_undo(recorded.message, EDITOR)
    wait_for(lambda: bot.slack.calls("conversations.replies"))
    wait_for(lambda: bot.slack.calls("chat.update") and bot.owed() == 0)
    replies = [
        m
        for m in bot.slack.messages()
        if m.get("thread_ts") == recorded.message["ts"] and m["ts"] != m["thread_ts"]
    ]
    assert len(replies) == 1


# ----------------------------------------------------------------- 6. Events API retries


def _home_event(event_id: str, user: str = EDITOR) -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A0REGRIGHTS",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(NOW.timestamp()),
            "event": {
                "type": "app_home_opened",
                "user": user,
                "channel": "D0HOME",
                "tab": "home",
                "event_ts": "1717426800.000200",
            },
        }
    )


def test_an_events_api_retry_is_acknowledged_and_not_handled_again(bot: SlackBot) -> None:
    body = _home_event("Ev0RETRY1")
    assert bot.post(body, signed_headers(body, "application/json")).status_code == 200
    wait_for(lambda: bot.slack.published_views())
    for attempt in ("1", "2"):
        headers = {
            **signed_headers(body, "application/json"),
            "X-Slack-Retry-Num": attempt,
            "X-Slack-Retry-Reason": "http_timeout",
        }
        assert bot.post(body, headers).status_code == 200
    another = _home_event("Ev0OTHER2", user=READER)
    bot.post(another, signed_headers(another, "application/json"))
    # The last event handled, the work of the retries before it has been handed over too.
    wait_for(lambda: any(v["user_id"] == READER for v in bot.slack.published_views()))
    bot.app.listener_runner.listener_executor.shutdown(wait=True)
    assert len(bot.slack.calls("views.publish")) == 2  # the first delivery and the other event


def test_a_retry_of_an_event_never_handled_is_handled(bot: SlackBot) -> None:
    body = _home_event("Ev0LOST01")
    headers = {
        **signed_headers(body, "application/json"),
        "X-Slack-Retry-Num": "1",
        "X-Slack-Retry-Reason": "http_error",
    }
    assert bot.post(body, headers).status_code == 200
    wait_for(lambda: bot.slack.published_views())


# ----------------------------------------------------------------- 7. unresolved mentions


@pytest.mark.parametrize(
    "text", ["grant @jane editor", "grant john editor", "revoke @jane", "grant <@jane> editor"]
)
def test_grants_name_only_resolved_mentions(bot: SlackBot, text: str) -> None:
    before = len(bot.slack.messages())
    answer = bot.ask(text)
    assert "type @ and pick the person" in str(answer["text"])
    assert len(bot.slack.messages()) == before
    assert (
        bot.service.handle("revoke jane", _caller(CHANNEL))
        .data["error"]
        .startswith("only an admin")
    )  # (as an editor) and no role was granted to anyone: the grant never ran


@pytest.mark.parametrize("mention", ["<@U0JANE|jane>", "<@W0GRID>", "<@U0JANE>"])
def test_resolved_mentions_are_granted(bot: SlackBot, mention: str) -> None:
    recorded = bot.record(f"grant {mention} editor")
    user = mention[2:].split("|")[0].rstrip(">")
    assert f"<@{user}> is now an editor" in recorded.message["text"]


# ----------------------------------------------------------------- 8. the Undo button's words


def test_a_double_click_is_told_it_is_already_undone(bot: SlackBot) -> None:
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    first = bot.click_undo(recorded.message, EDITOR)
    second = bot.click_undo(recorded.message, EDITOR)
    answers = wait_for(
        lambda: (
            len(bot.slack.response_posts()) >= 2
            and [*bot.slack.response_posts(first), *bot.slack.response_posts(second)]
        )
    )
    texts = sorted(str(a["text"]) for a in answers)
    assert any(t.startswith("Undone: #1") for t in texts)
    assert any(f"#1 is already undone: <@{EDITOR}> retracted it (#2)" in t for t in texts)
    assert not any("nothing of yours" in t for t in texts)
    assert [e["kind"] for e in bot.history()] == ["undo", "s3-eligible"]


def test_a_reader_clicking_undo_is_told_what_it_takes(bot: SlackBot) -> None:
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    url = bot.click_undo(recorded.message, READER)
    (answer,) = wait_for(lambda: bot.slack.response_posts(url))
    assert "only editors and admins may undo events" in answer["text"]
    assert "record" not in answer["text"]


# ----------------------------------------------------------------- 9. alerts without metadata


def test_alert_recovery_needs_no_message_metadata(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'alerts.sqlite3'}")
    agreement(engine)
    with SlackStandIn(start_ts=LEAD_14.timestamp()) as slack:
        slack.withhold_metadata = True
        slack.fail_next("chat.postMessage", "accept_then_drop")
        report = run_alert_pass(engine, poster_for(slack), LEAD_14)
        assert [d.key for d in report.confirmed] == [KEY_14] and report.posted == []
        assert len(slack.calls("chat.postMessage")) == 1
        (history,) = slack.calls("conversations.history")
        assert history.params["include_all_metadata"] in (True, "1", "true")
        again = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(minutes=1))
        assert again.posted == []
        assert len(slack.messages()) == 1
        assert alert_keys(slack) == [KEY_14]
    assert [r.state for r in alert_rows(engine)] == ["posted"]
    engine.dispose()


def test_without_reading_history_an_uncertain_announcement_is_posted_again_unread(
    tmp_path: Path,
) -> None:
    """REGRIGHTS_READ_HISTORY unset (the manifest asks for no history scope): a post that may
    have failed is made again, and no channel is read."""
    with SlackBot(tmp_path, read_history=False) as bot:
        bot.record("setup nstor-2002")
        bot.slack.fail_next("chat.postMessage", "server_error")
        response, _ = bot.slash("s3-eligible on 2024-01-02")
        assert "Recorded #1" in response.json()["text"]
        wait_for(lambda: bot.owed() == 0)
        assert ["Recorded #1" in m["text"] for m in bot.slack.messages()] == [False, True]
        assert bot.slack.calls("conversations.history") == []
        assert bot.slack.calls("conversations.replies") == []
