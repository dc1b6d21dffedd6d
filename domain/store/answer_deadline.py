"""A client-side deadline on every wait for a PostgreSQL answer (SPEC §16).

The server's statement_timeout and TCP keepalives end a wait only when the server, or the
kernel, notices something; when the server freezes behind something that still acknowledges
the packets (a proxy, a NAT, a paused VM), psycopg waits on the open socket for as long as it
stays open. `Connection.wait`, through which psycopg waits for every answer, takes a timeout;
this connection always gives it one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg.errors
from psycopg.abc import RV, PQGen
from sqlalchemy import Connection, text

# Seconds: above the server's own lock and statement timeouts, under SPEC §11's 10 s.
ANSWER_DEADLINE = 9.0
# A pooled connection's check before it is handed out (SQLAlchemy's pre-ping): found dead, it is
# replaced by a new one (connect_timeout), the two within the 10 s.
PING_DEADLINE = 2.0
WAIT_INTERVAL = 0.1  # psycopg's own: how often a wait wakes to let Ctrl-C through


class DeadlineConnection(psycopg.Connection[Any]):
    """A connection that ran out of time is closed (its state on the server is unknown), so
    the pool discards it, and the wait raises OperationalError."""

    deadline = ANSWER_DEADLINE

    def wait(
        self, gen: PQGen[RV], interval: float = WAIT_INTERVAL, timeout: float | None = None
    ) -> RV:
        try:
            return super().wait(gen, interval, self.deadline if timeout is None else timeout)
        except psycopg.errors._WaitTimeout:
            if timeout is not None:
                raise  # the caller's own timeout (notifies), which psycopg handles
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {self.deadline:g} s"
            ) from None


@contextmanager
def longer_waits(connection: Connection, seconds: float) -> Iterator[None]:
    """Within `connection`'s transaction, waits of up to `seconds`: for the migrations, which
    wait for one another's lock (one process migrates while the others queue)."""
    dbapi = connection.connection.dbapi_connection
    assert isinstance(dbapi, DeadlineConnection)
    dbapi.deadline = seconds
    try:
        for setting in ("lock_timeout", "statement_timeout"):
            connection.execute(
                text("SELECT set_config(:name, :ms, true)"),
                {"name": setting, "ms": str(int(seconds * 1000))},
            )
        yield
    finally:
        dbapi.deadline = ANSWER_DEADLINE


def in_the_pool(dbapi_connection: Any, _record: Any) -> None:
    """SQLAlchemy's `checkin` hook: the next wait, the pre-ping at checkout, is a short one."""
    if isinstance(dbapi_connection, DeadlineConnection):
        dbapi_connection.deadline = PING_DEADLINE


def out_of_the_pool(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """SQLAlchemy's `checkout` hook, after the pre-ping: the unit of work's own waits."""
    if isinstance(dbapi_connection, DeadlineConnection):
        dbapi_connection.deadline = ANSWER_DEADLINE


def connect_with_deadline(
    _dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]
) -> DeadlineConnection:
    """SQLAlchemy's `do_connect` hook: the engine's connections are DeadlineConnections."""
    return DeadlineConnection.connect(*cargs, **cparams)
