"""A write with a deadline (Slack's, 2.5 s) is abandoned by the database itself when another
writer holds what it needs for longer: rolled back, nothing stored, and its announcement not
owed either. SQLite's busy timeout; PostgreSQL's lock timeout on that transaction alone."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from bot.failures import describe
from bot.wiring import build_service, open_database
from domain.services.commands import parse_command
from domain.services.service import Caller

DEADLINE = 0.5
ADMIN, CHANNEL = "U0ADMIN", "C0DEALS"


def _caller() -> Caller:
    return Caller(ADMIN, CHANNEL, "test", datetime(2024, 6, 3, 15, tzinfo=UTC))


@contextmanager
def _holding(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "sqlite":
        assert engine.url.database is not None
        holder = sqlite3.connect(engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT id FROM agreement FOR UPDATE"))
        yield
        connection.rollback()


def _held_write(engine: Engine) -> tuple[float, OperationalError]:
    """Another connection holds the agreement (PostgreSQL) or the database's write lock
    (SQLite) while a write with a deadline is tried."""
    service = build_service(engine, frozenset({ADMIN}), write_seconds=DEADLINE)
    assert service.handle("setup nstor-2002", _caller()).ok
    owed: list[object] = []
    with _holding(engine):
        began = time.monotonic()
        with pytest.raises(OperationalError) as abandoned:
            service.execute(
                parse_command("s3-eligible on 2024-01-02"),
                _caller(),
                before_commit=lambda store, reply: owed.append(reply),
            )
        took = time.monotonic() - began
    assert owed == []  # refused before its reply: nothing owed
    assert service.handle("history", _caller()).data["events"] == []
    # Without the other writer, the same service writes at once.
    assert service.handle("s3-eligible on 2024-01-02", _caller()).ok
    return took, abandoned.value


def test_a_sqlite_write_is_abandoned_at_its_deadline(migrated_sqlite_url: str) -> None:
    engine = open_database(migrated_sqlite_url)
    took, error = _held_write(engine)
    assert DEADLINE - 0.1 < took < DEADLINE + 1
    failure = describe(error)
    assert failure is not None and "busy" in failure.message
    engine.dispose()


@pytest.mark.postgres
def test_a_postgres_write_is_abandoned_at_its_deadline(migrated_postgres_url: str) -> None:
    engine = open_database(migrated_postgres_url)
    took, error = _held_write(engine)
    assert DEADLINE - 0.1 < took < DEADLINE + 1
    assert "due to lock timeout" in str(error)
    failure = describe(error)
    assert failure is not None and "busy" in failure.message
    engine.dispose()
