"""Several passes and instances on one PostgreSQL database: each alert exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from alert_support import (
    ADMIN,
    LEAD_1,
    LEAD_3,
    LEAD_7,
    LEAD_14,
    RECORDED,
    agreement,
    alert_keys,
    alert_rows,
    another_agreement,
    pass_in_a_process,
    pass_until_held,
    poster_for,
)
from conftest import REGRIGHTS
from slack_standin import SlackStandIn
from sqlalchemy import Engine

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.report import PassReport
from bot.wiring import open_database
from domain.services.service import Caller

pytestmark = pytest.mark.postgres

KEY_14 = "1/effectiveness#1/2026-03-19@-14"


@pytest.fixture
def engine(migrated_postgres_url: str) -> Iterator[Engine]:
    engine = open_database(migrated_postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(start_ts=LEAD_14.timestamp(), hang_seconds=60) as standin:
        yield standin


def three_agreements(engine: Engine) -> None:
    """Agreement 1 bound to CDEALS and CLEGAL; 2 to CTWO; 3 to CTHREE."""
    first = agreement(engine)
    assert first.service.handle("setup nstor-2002", Caller(ADMIN, "CLEGAL", "t", RECORDED)).ok
    another_agreement(engine, "nstor-2002-two", "CTWO")
    another_agreement(engine, "nstor-2002-three", "CTHREE")


def race(engine: Engine, slack: SlackStandIn, now: datetime, passes: int) -> list[PassReport]:
    start = threading.Barrier(passes)
    poster = poster_for(slack)

    def one(_: int) -> PassReport:
        start.wait()
        return run_alert_pass(engine, poster, now)

    with ThreadPoolExecutor(max_workers=passes) as pool:
        return list(pool.map(one, range(passes)))


def assert_each_alert_once(slack: SlackStandIn, expected: int) -> None:
    sent = Counter(
        (m["channel"], m["metadata"]["event_payload"]["alert"]) for m in slack.messages()
    )
    assert len(sent) == expected
    assert set(sent.values()) == {1}, [k for k, n in sent.items() if n > 1]


def test_eight_passes_racing_post_each_alert_once(engine: Engine, slack: SlackStandIn) -> None:
    three_agreements(engine)
    for moment in (LEAD_14, LEAD_7, LEAD_3, LEAD_1):
        reports = race(engine, slack, moment, passes=8)
        assert sum(len(r.posted) for r in reports) == 4  # 4 channels, one deadline each
    assert_each_alert_once(slack, expected=16)
    assert {r.state for r in alert_rows(engine)} == {"posted"}
    assert alert_keys(slack, "CTWO") == [
        f"2/effectiveness#1/2026-03-19@{lead}" for lead in ("-14", "-7", "-3", "-1")
    ]


def test_racing_passes_with_slack_failing_under_them(engine: Engine, slack: SlackStandIn) -> None:
    three_agreements(engine)
    slack.fail_next("chat.postMessage", "accept_then_drop")
    slack.fail_next("chat.postMessage", "server_error")
    slack.fail_next("chat.postMessage", "drop_before")
    slack.fail_next("chat.postMessage", "ratelimited", retry_after=1)
    reports = race(engine, slack, LEAD_14, passes=6)
    later = race(engine, slack, LEAD_14 + timedelta(seconds=3), passes=6)
    assert not any(r.pending for r in later)
    assert sum(len(r.posted) + len(r.confirmed) for r in [*reports, *later]) == 4
    assert_each_alert_once(slack, expected=4)
    assert {r.state for r in alert_rows(engine)} == {"posted"}


def test_instances_ticking_together_post_each_alert_once(
    engine: Engine, migrated_postgres_url: str, slack: SlackStandIn
) -> None:
    three_agreements(engine)
    env = {
        **os.environ,
        "REGRIGHTS_DATABASE_URL": migrated_postgres_url,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_API_URL": slack.api_url,
    }
    ticks = [
        subprocess.Popen(
            [REGRIGHTS, "tick", "--at", LEAD_7.isoformat()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outcomes = [(t.wait(timeout=120), *t.communicate()) for t in ticks]
    assert [code for code, _, _ in outcomes] == [0] * 6, outcomes
    assert_each_alert_once(slack, expected=4)


def test_a_process_dead_after_slack_accepted_is_recovered_by_the_next_pass(
    engine: Engine, migrated_postgres_url: str, slack: SlackStandIn
) -> None:
    agreement(engine)
    child = pass_in_a_process(migrated_postgres_url, slack, LEAD_14, "exit-after-post")
    assert child.wait(timeout=60) == 9, child.stderr.read() if child.stderr else ""
    assert [r.state for r in alert_rows(engine)] == ["sending"]
    recovery = pass_until_held(engine, poster_for(slack), LEAD_14 + timedelta(seconds=2))
    assert [d.key for d in recovery.confirmed] == [KEY_14] and recovery.posted == []
    assert alert_keys(slack) == [KEY_14]
    assert len(slack.calls("chat.postMessage")) == 1


def test_a_process_killed_mid_post_is_recovered_by_the_next_pass(
    engine: Engine, migrated_postgres_url: str, slack: SlackStandIn
) -> None:
    agreement(engine)
    slack.fail_next("chat.postMessage", "timeout")
    child = pass_in_a_process(migrated_postgres_url, slack, LEAD_14, "live", timeout=60)
    limit = time.monotonic() + 30
    while not slack.calls("chat.postMessage") and time.monotonic() < limit:
        time.sleep(0.02)
    # While it lives, its lock keeps every other pass off the agreement.
    busy = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(seconds=1))
    assert busy.busy == [1] and busy.posted == []
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    recovery = pass_until_held(engine, poster_for(slack), LEAD_14 + timedelta(seconds=2))
    assert [d.key for d in recovery.posted] == [KEY_14]
    assert alert_keys(slack) == [KEY_14]
    assert [r.state for r in alert_rows(engine)] == ["posted"]
