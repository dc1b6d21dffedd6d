"""`next_alert_at` kept by every change, 09:00 New York on DST change days, a pass whose cost
follows what is due, and the scheduler and console poster."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from alert_support import (
    ADMIN,
    CHANNEL,
    LEAD_7,
    LEAD_14,
    RECORDED,
    Agreement,
    agreement,
    alert_rows,
    another_agreement,
    next_alert_at,
    utc,
)
from sqlalchemy import Engine, event, text

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.console_poster import ConsolePoster
from bot.alerts.poster import AlertMessage
from bot.alerts.scheduler import start_alert_scheduler
from bot.wiring import build_service, open_database
from domain.services.service import Caller
from domain.store.migrate import MIGRATIONS, upgrade


@pytest.fixture
def engine(migrated_sqlite_url: str) -> Iterator[Engine]:
    engine = open_database(migrated_sqlite_url)
    yield engine
    engine.dispose()


def fresh(engine: Engine, now: datetime) -> Agreement:
    service = build_service(engine, frozenset({ADMIN}))
    service.bootstrap(Caller(ADMIN, CHANNEL, "test", now))
    return Agreement(service)


# ----------------------------------------------------------------- next_alert_at


def test_each_change_moves_the_next_alert(engine: Engine) -> None:
    deal = fresh(engine, RECORDED)
    assert next_alert_at(engine) == [None]  # no deadline running
    deal.say("filed on 2025-09-20")
    assert next_alert_at(engine) == [LEAD_14]
    deal.say("remind at 15:30")
    assert next_alert_at(engine) == [utc(2026, 3, 5, 20, 30)]
    deal.say("remind leads 10,2")
    assert next_alert_at(engine) == [utc(2026, 3, 9, 19, 30)]  # EDT from 03-08
    deal.say("undo")  # retracts the filing: its clock stops
    assert next_alert_at(engine) == [None]


def test_a_notice_by_mail_wakes_the_pass_the_day_it_takes_effect(engine: Engine) -> None:
    # Deposited Monday 2026-03-02; effective four business days later, Friday 03-06 (§9(b)).
    deal = fresh(engine, utc(2026, 3, 2, 15))
    deal.say("piggyback-notice on 2026-03-02 by mail", utc(2026, 3, 2, 15))
    assert next_alert_at(engine) == [utc(2026, 3, 6, 14)]
    output = io.StringIO()
    report = run_alert_pass(engine, ConsolePoster(output), utc(2026, 3, 6, 14))
    assert report.posted == []
    # The §2(b)(i) window now runs to 2026-03-26; its first alert is 14 days before.
    assert next_alert_at(engine) == [utc(2026, 3, 12, 13)]


# ----------------------------------------------------------------- DST change days


@pytest.mark.parametrize(
    ("filed", "recorded", "earlier", "change_day_9am"),
    [
        # Due Monday 2026-03-09: the 1-day alert is on Sunday 03-08, the day EDT begins.
        ("2025-09-10", utc(2026, 3, 6, 15), utc(2026, 3, 6, 14), utc(2026, 3, 8, 13)),
        # Due Monday 2026-11-02: the 1-day alert is on Sunday 11-01, the day EST returns.
        ("2026-05-06", utc(2026, 10, 30, 15), utc(2026, 10, 30, 13), utc(2026, 11, 1, 14)),
    ],
)
def test_nine_oclock_new_york_on_a_dst_change_day(
    engine: Engine,
    filed: str,
    recorded: datetime,
    earlier: datetime,
    change_day_9am: datetime,
) -> None:
    deal = fresh(engine, recorded)
    deal.say(f"filed on {filed}", recorded)
    assert next_alert_at(engine) == [earlier]  # the 3-day alert, already come
    output = io.StringIO()
    poster = ConsolePoster(output)
    assert "3 days left" in run_alert_pass(engine, poster, recorded).posted[0].text
    assert next_alert_at(engine) == [change_day_9am]
    assert run_alert_pass(engine, poster, change_day_9am - timedelta(seconds=1)).posted == []
    (posted,) = run_alert_pass(engine, poster, change_day_9am).posted
    assert "1 day left" in posted.text
    assert output.getvalue().count("[alert #CDEALS]") == 2


# ----------------------------------------------------------------- cost


def test_a_pass_reads_only_the_agreements_due(engine: Engine) -> None:
    agreement(engine)
    for n in range(30):
        another_agreement(engine, f"idle-{n}", f"CIDLE{n}")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE agreement SET next_alert_at = :later WHERE id > 1"),
            {"later": datetime(2027, 1, 1, tzinfo=UTC)},
        )
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        report = run_alert_pass(engine, ConsolePoster(io.StringIO()), LEAD_14)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(report.posted) == 1
    event_reads = [s for s in statements if "FROM event" in s]
    assert len(event_reads) == 2  # the due agreement's history: to plan, then to reschedule
    assert len(statements) < 40


# ----------------------------------------------------------------- scheduler and console


class Signalling(ConsolePoster):
    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.posted = threading.Event()

    def post(self, channel: str, message: AlertMessage) -> str:
        ts = super().post(channel, message)
        self.posted.set()
        return ts


def test_the_scheduler_runs_a_pass_at_once_then_on_its_interval(engine: Engine) -> None:
    agreement(engine)
    poster = Signalling()
    scheduler = start_alert_scheduler(engine, poster, clock=lambda: LEAD_7, interval_seconds=600)
    try:
        assert poster.posted.wait(timeout=20)
        (job,) = scheduler.get_jobs()
        assert job.coalesce is True and job.max_instances == 1
        assert job.trigger.interval == timedelta(seconds=600)
    finally:
        scheduler.shutdown()
    assert "7 days left" in poster.out.getvalue()


def test_the_console_poster_prints_each_alert_once(engine: Engine) -> None:
    agreement(engine)
    output = io.StringIO()
    poster = ConsolePoster(output)
    run_alert_pass(engine, poster, LEAD_14)
    run_alert_pass(engine, poster, LEAD_14)
    (line,) = [x for x in output.getvalue().splitlines() if x]
    assert line.startswith("[alert #CDEALS] Registration Statement effective (§2(a)(ii)(F))")
    assert "2026-03-19 (Thu): 14 days left" in line


def test_a_slot_with_no_channel_bound_passes_unposted(engine: Engine) -> None:
    agreement(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM channel_binding"))
    output = io.StringIO()
    assert run_alert_pass(engine, ConsolePoster(output), LEAD_14).posted == []
    (row,) = alert_rows(engine)
    assert (row.state, row.channel_id) == ("skipped", "")
    assert next_alert_at(engine) == [LEAD_7]
    assert output.getvalue() == ""


def test_agreements_tracked_before_alerts_existed_get_them_after_the_upgrade(
    engine: Engine,
) -> None:
    agreement(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        connection.execute(text("UPDATE agreement SET next_alert_at = NULL"))
    upgrade(engine)
    output = io.StringIO()
    (posted,) = run_alert_pass(engine, ConsolePoster(output), LEAD_7).posted
    assert "7 days left" in posted.text


def test_one_broken_agreement_does_not_hold_back_the_others(engine: Engine) -> None:
    agreement(engine)
    another_agreement(engine, "nstor-2002-two", "CTWO")
    with engine.begin() as connection:
        connection.execute(text("UPDATE agreement SET profile_yaml = 'terms: [' WHERE id = 1"))
    output = io.StringIO()
    report = run_alert_pass(engine, ConsolePoster(output), LEAD_14)
    assert report.failed == [1]
    assert [d.channel for d in report.posted] == ["CTWO"]
