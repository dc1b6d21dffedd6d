"""Through the service, on SQLite and PostgreSQL: one long-lived service keeping its states,
fed random commands (backdated ones and undos included), answers exactly as a new service
replaying everything does, and keeps the next alert time a fresh computation gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from bot.alerts.schedule import next_alert_at
from bot.render.answers import render
from bot.wiring import build_service, open_database
from domain.services.loading import load_agreement
from domain.services.service import Caller
from domain.store.agreement_store import AgreementStore
from domain.store.tables import AgreementRow

ADMIN, CHANNEL = "UADMIN", "CDEAL"
START = date(2026, 1, 5)

# Each command takes the date it happened on (`{d}`), a number of days back from today.
COMMANDS = [
    "s3-eligible on {d}",
    "demand 1000000 on {d}",
    "holders-notified on {d} by mail",
    "filed on {d}",
    "effective on {d}",
    "suspend on {d}",
    "resume on {d}",
    "delay {n} from {d} reason ii",
    "delay extend {n}",
    "delay end on {d}",
    "piggyback-notice on {d}",
    "piggyback-notice on {d} by mail",
    "piggyback-requested 5000 on {d}",
    "undo",
    "undo",
]

moves = st.tuples(
    st.sampled_from(COMMANDS),
    st.integers(0, 6),  # days the calendar moves on before this command
    st.one_of(st.just(0), st.integers(0, 60)),  # days back the command is dated
    st.integers(1, 45),
)


@pytest.fixture
def shared_engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("alert", "event", "role_grant", "channel_binding", "agreement"):
            connection.execute(text(f"DELETE FROM {table}"))


def _caller(today: date) -> Caller:
    return Caller(ADMIN, CHANNEL, "test", datetime.combine(today, time(15), UTC))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(moves, min_size=1, max_size=20))
def test_a_service_keeping_its_states_answers_as_a_full_replay_does(
    shared_engine: Engine, drawn: list[tuple[str, int, int, int]]
) -> None:
    _empty(shared_engine)
    keeping = build_service(shared_engine, frozenset({ADMIN}))
    today = START
    keeping.bootstrap(_caller(today))
    for command, advance, back, number in drawn:
        today += timedelta(days=advance)
        caller = _caller(today)
        written = keeping.handle(command.format(d=today - timedelta(days=back), n=number), caller)
        fresh = build_service(shared_engine, frozenset({ADMIN}))
        for question in ("status", "deadlines"):
            kept, replayed = keeping.handle(question, caller), fresh.handle(question, caller)
            assert (render(kept.answer), kept.data) == (render(replayed.answer), replayed.data)
        if written.ok:  # the next alert time was set as of this write
            stored, recomputed = _next_alert_times(shared_engine, caller.now)
            assert stored == recomputed


def _next_alert_times(engine: Engine, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The stored next alert time, and the one a full replay of the stored history gives."""
    with Session(engine) as session:
        row = session.exec(select(AgreementRow)).one()
        assert row.id is not None
        store = AgreementStore(session)
        agreement = load_agreement(store, row.id)
        recomputed = next_alert_at(store, agreement, now)
        stored = row.next_alert_at
    return _utc(stored), _utc(recomputed)


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite gives back naive UTC times.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment
