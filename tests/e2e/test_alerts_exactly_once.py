"""Each alert posted exactly once (SPEC §5), against the local Slack stand-in on SQLite: passes
run twice, processes killed mid-post, and Slack's 429s, 5xx, timeouts and dropped connections."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from alert_support import (
    ADMIN,
    DUE_DAY,
    LEAD_1,
    LEAD_3,
    LEAD_7,
    LEAD_14,
    OVERDUE_1,
    RECORDED,
    Agreement,
    DiesAfterSlackAccepts,
    Killed,
    agreement,
    alert_keys,
    alert_rows,
    next_alert_at,
    pass_in_a_process,
    poster_for,
    settings_for,
    utc,
)
from slack_standin import SlackStandIn
from sqlalchemy import Engine

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.poster import AlertMessage
from bot.alerts.slack_poster import SlackPoster, alert_client
from bot.wiring import build_service, open_database
from domain.services.service import Caller

KEY_14 = "1/effectiveness#1/2026-03-19@-14"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'regrights.sqlite3'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def deal(engine: Engine) -> Agreement:
    return agreement(engine)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    # Slack stamps messages with its clock; the stand-in's starts at the first alert.
    with SlackStandIn(start_ts=LEAD_14.timestamp(), hang_seconds=3) as standin:
        yield standin


def posts(slack: SlackStandIn) -> int:
    return len(slack.calls("chat.postMessage"))


class DiesBeforePosting(SlackPoster):
    def post(self, channel: str, message: AlertMessage) -> str:
        raise Killed


def test_an_alert_says_what_is_due_when_and_what_to_do(engine: Engine, slack: SlackStandIn) -> None:
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    (message,) = slack.messages("CDEALS")
    assert [d.key for d in report.posted] == [KEY_14]
    assert message["metadata"] == {
        "event_type": "regrights_alert",
        "event_payload": {"alert": KEY_14},
    }
    for text in (message["text"], message["blocks"][0]["text"]["text"]):
        assert "Registration Statement effective" in text
        assert "§2(a)(ii)(F)" in text
        assert "2026-03-19 (Thu)" in text
        assert "14 days left" in text
        assert "have the SEC declare the Registration Statement effective" in text
    (row,) = alert_rows(engine)
    assert (row.state, row.ts, row.attempts) == ("posted", message["ts"], 1)
    assert next_alert_at(engine) == [LEAD_7]


def test_a_pass_run_twice_posts_once(engine: Engine, slack: SlackStandIn) -> None:
    poster = poster_for(slack)
    run_alert_pass(engine, poster, LEAD_14)
    again = run_alert_pass(engine, poster, LEAD_14)
    later = run_alert_pass(engine, poster, LEAD_14 + timedelta(seconds=5))
    assert again.posted == later.posted == []
    assert alert_keys(slack) == [KEY_14]
    assert posts(slack) == 1


def test_passes_racing_in_threads_post_once(engine: Engine, slack: SlackStandIn) -> None:
    poster = poster_for(slack)
    with ThreadPoolExecutor(max_workers=6) as pool:
        reports = list(pool.map(lambda _: run_alert_pass(engine, poster, LEAD_14), range(6)))
    assert sum(len(r.posted) for r in reports) == 1
    assert alert_keys(slack) == [KEY_14]


# ----------------------------------------------------------------- killed mid-post


def test_killed_after_slack_accepted_before_the_commit(engine: Engine, slack: SlackStandIn) -> None:
    dying = DiesAfterSlackAccepts(alert_client(settings_for(slack), timeout=2))
    with pytest.raises(Killed):
        run_alert_pass(engine, dying, LEAD_14)
    (row,) = alert_rows(engine)
    assert row.state == "sending"  # the claim was committed before the post
    recovery = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(seconds=2))
    assert [d.key for d in recovery.confirmed] == [KEY_14]
    assert recovery.posted == []
    assert alert_keys(slack) == [KEY_14]
    assert posts(slack) == 1
    (row,) = alert_rows(engine)
    assert (row.state, row.ts) == ("posted", slack.messages()[0]["ts"])


def test_a_process_that_exits_after_slack_accepted(
    engine: Engine, database_url: str, slack: SlackStandIn
) -> None:
    child = pass_in_a_process(database_url, slack, LEAD_14, "exit-after-post")
    assert child.wait(timeout=60) == 9, child.stderr.read() if child.stderr else ""
    assert [r.state for r in alert_rows(engine)] == ["sending"]
    # The very next pass, seconds later: its lock died with the process.
    recovery = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(seconds=3))
    assert [d.key for d in recovery.confirmed] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]
    assert posts(slack) == 1


def test_a_process_killed_while_its_post_is_on_the_way(engine: Engine, database_url: str) -> None:
    with SlackStandIn(start_ts=LEAD_14.timestamp(), hang_seconds=60) as slack:
        slack.fail_next("chat.postMessage", "timeout")  # never reaches Slack, never answers
        child = pass_in_a_process(database_url, slack, LEAD_14, "live", timeout=60)
        deadline = time.monotonic() + 30
        while not slack.calls("chat.postMessage") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert slack.calls("chat.postMessage"), "the child never posted"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert [r.state for r in alert_rows(engine)] == ["sending"]
        recovery = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(seconds=1))
        assert [d.key for d in recovery.posted] == [KEY_14]
        assert alert_keys(slack) == [KEY_14]
        assert [r.state for r in alert_rows(engine)] == ["posted"]


# ----------------------------------------------------------------- Slack's errors


def test_connection_dropped_after_slack_accepted(engine: Engine, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", "accept_then_drop")
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert [d.key for d in report.confirmed] == [KEY_14] and report.posted == []
    assert alert_keys(slack) == [KEY_14]
    assert posts(slack) == 1  # never resent blindly
    assert [(r.state, r.ts) for r in alert_rows(engine)] == [("posted", slack.messages()[0]["ts"])]


def test_connection_dropped_before_slack_received(engine: Engine, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", "drop_before")
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert [d.key for d in report.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]
    assert [c.fault for c in slack.calls("chat.postMessage")] == ["drop_before", None]
    (row,) = alert_rows(engine)
    assert (row.state, row.attempts) == ("posted", 2)


def test_rate_limited_waits_for_retry_after(engine: Engine, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", "ratelimited", retry_after=1)
    started = time.monotonic()
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert time.monotonic() - started >= 1
    assert [d.key for d in report.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]
    calls = slack.calls("chat.postMessage")
    assert [c.fault for c in calls] == ["ratelimited", None]
    assert calls[1].time - calls[0].time >= 1


@pytest.mark.parametrize("fault", ["server_error", "service_unavailable"])
def test_a_5xx_is_checked_then_posted(engine: Engine, slack: SlackStandIn, fault: str) -> None:
    slack.fail_next("chat.postMessage", fault)
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert [d.key for d in report.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]
    assert len(slack.calls("conversations.history")) == 1  # looked before posting again


def test_slack_down_for_a_while_then_the_next_pass_posts(
    engine: Engine, slack: SlackStandIn
) -> None:
    slack.fail_next("chat.postMessage", "server_error", times=4)
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert report.posted == [] and [d.key for d in report.pending] == [KEY_14]
    assert [r.state for r in alert_rows(engine)] == ["sending"]
    assert next_alert_at(engine) == [LEAD_14]  # due again at once, no lease to wait out
    retried = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(seconds=5))
    assert retried.posted == [] and retried.pending  # two more 500s
    recovered = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(seconds=10))
    assert [d.key for d in recovered.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]
    assert next_alert_at(engine) == [LEAD_7]


def test_a_timeout_is_checked_then_posted(engine: Engine, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", "timeout")
    report = run_alert_pass(engine, poster_for(slack, timeout=1), LEAD_14)
    assert [d.key for d in report.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]


def test_slack_unreachable_leaves_the_alert_for_the_next_pass(
    engine: Engine, slack: SlackStandIn
) -> None:
    slack.fail_next("chat.postMessage", "drop_before")
    # Both looks in the pass fail, each after the client's own retries of a read.
    slack.fail_next("conversations.history", "drop_before", times=6)
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert [d.key for d in report.pending] == [KEY_14]
    assert posts(slack) == 1  # unable to look, it does not post again
    recovered = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(seconds=2))
    assert [d.key for d in recovered.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]


def test_a_refused_post_is_retried_by_the_next_pass(engine: Engine, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", "error:not_in_channel")
    report = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert [d.key for d in report.pending] == [KEY_14]
    assert "not_in_channel" in (alert_rows(engine)[0].last_error or "")
    recovered = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(minutes=1))
    assert [d.key for d in recovered.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]


# ----------------------------------------------------------------- the schedule


def test_every_slot_in_turn_then_weekly_overdue(engine: Engine, slack: SlackStandIn) -> None:
    poster = poster_for(slack)
    for moment in (LEAD_14, LEAD_7, LEAD_3, LEAD_1, DUE_DAY, OVERDUE_1):
        assert run_alert_pass(engine, poster, moment - timedelta(seconds=1)).posted == []
        assert len(run_alert_pass(engine, poster, moment).posted) == 1
    texts = [m["text"] for m in slack.messages()]
    assert [t.split(": ")[1].split(".")[0] for t in texts] == [
        "14 days left",
        "7 days left",
        "3 days left",
        "1 day left",
        "due today",
        "1 day overdue",
    ]
    assert next_alert_at(engine) == [utc(2026, 3, 27, 13)]


def test_a_bot_that_was_down_catches_up_with_one_alert(engine: Engine, slack: SlackStandIn) -> None:
    report = run_alert_pass(engine, poster_for(slack), LEAD_1 + timedelta(hours=5))
    assert [d.key for d in report.posted] == ["1/effectiveness#1/2026-03-19@-1"]
    assert "1 day left" in slack.messages()[0]["text"]
    assert run_alert_pass(engine, poster_for(slack), LEAD_1 + timedelta(hours=6)).posted == []
    assert next_alert_at(engine) == [DUE_DAY]


def test_a_crashed_claim_superseded_by_a_later_slot_is_skipped(
    engine: Engine, slack: SlackStandIn
) -> None:
    with pytest.raises(Killed):
        run_alert_pass(engine, DiesBeforePosting(alert_client(settings_for(slack))), LEAD_14)
    # Down until after the 7-day alert: the 14-day one is not in Slack and is not posted late.
    report = run_alert_pass(engine, poster_for(slack), LEAD_7 + timedelta(hours=1))
    assert [d.key for d in report.skipped] == [KEY_14]
    assert [d.key for d in report.posted] == ["1/effectiveness#1/2026-03-19@-7"]
    assert alert_keys(slack) == ["1/effectiveness#1/2026-03-19@-7"]


def test_effective_closes_the_deadline_and_its_alerts(
    engine: Engine, slack: SlackStandIn, deal: Agreement
) -> None:
    run_alert_pass(engine, poster_for(slack), LEAD_14)
    deal.say("effective on 2026-03-06", utc(2026, 3, 6, 20))
    assert next_alert_at(engine) == [None]
    for moment in (LEAD_7, LEAD_1, OVERDUE_1):
        assert run_alert_pass(engine, poster_for(slack), moment).posted == []
    assert alert_keys(slack) == [KEY_14]


def test_an_unconfirmed_alert_of_a_closed_deadline_is_not_posted(
    engine: Engine, slack: SlackStandIn, deal: Agreement
) -> None:
    with pytest.raises(Killed):
        run_alert_pass(engine, DiesBeforePosting(alert_client(settings_for(slack))), LEAD_14)
    deal.say("effective on 2026-03-05", LEAD_14 + timedelta(minutes=5))
    report = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(minutes=6))
    assert [d.key for d in report.skipped] == [KEY_14]
    assert slack.messages() == []
    assert [r.state for r in alert_rows(engine)] == ["skipped"]
    assert next_alert_at(engine) == [None]


def test_a_delay_extension_moves_the_expiry_alerts(tmp_path: Path, slack: SlackStandIn) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'delay.sqlite3'}")
    service = build_service(engine, frozenset({ADMIN}))
    service.bootstrap(Caller(ADMIN, "CDEALS", "test", RECORDED))
    deal = Agreement(service)
    deal.say("filed on 2026-02-02")  # something to delay (§2(d)); effective by 2026-08-01
    deal.say("delay 30 from 2026-03-01 reason i")  # expires Tuesday 2026-03-31
    poster = poster_for(slack)
    first = run_alert_pass(engine, poster, utc(2026, 3, 17, 13))
    assert [d.key for d in first.posted] == ["1/delay_expiry#2/2026-03-31@-14"]
    deal.say("delay extend 20", utc(2026, 3, 18, 15))  # now expires Monday 2026-04-20
    assert next_alert_at(engine) == [utc(2026, 4, 6, 13)]
    assert run_alert_pass(engine, poster, utc(2026, 3, 24, 13)).posted == []
    moved = run_alert_pass(engine, poster, utc(2026, 4, 6, 13))
    assert [d.key for d in moved.posted] == ["1/delay_expiry#2/2026-04-20@-14"]
    texts = [m["text"] for m in slack.messages()]
    assert "2026-04-20 (Mon): 14 days left" in texts[1]
    # §2(d): the delay's reason is never posted in a channel.
    reason = "interference with a planned offering"
    assert all(reason not in m["text"] and "(i)" not in m["text"] for m in slack.messages())
    assert run_alert_pass(engine, poster, utc(2026, 4, 21, 13)).posted == []
    engine.dispose()


def test_every_bound_channel_gets_the_alert_once(
    engine: Engine, slack: SlackStandIn, deal: Agreement
) -> None:
    assert deal.service.handle("setup nstor-2002", Caller(ADMIN, "CLEGAL", "test", RECORDED)).ok
    run_alert_pass(engine, poster_for(slack), LEAD_14)
    run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert alert_keys(slack, "CDEALS") == alert_keys(slack, "CLEGAL") == [KEY_14]
