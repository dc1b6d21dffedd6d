"""A client-side deadline on every wait for a PostgreSQL answer (SPEC §16).

The server's statement_timeout and TCP keepalives end a wait only when the server, or the
kernel, notices something; when the server freezes behind something that still acknowledges
the packets (a proxy, a NAT, a paused VM), psycopg waits on the open socket for as long as it
stays open. `Connection.wait`, through which psycopg waits for every answer, takes a timeout;
this connection always gives it one."""

from __future__ import annotations

from typing import Any

import psycopg
import psycopg.errors
from psycopg.abc import RV, PQGen

# Seconds; above the server's own statement_timeout, and with a reconnection's connect_timeout
# under SPEC §11's 10 s.
ANSWER_DEADLINE = 4.0
WAIT_INTERVAL = 0.1  # psycopg's own: how often a wait wakes to let Ctrl-C through


class DeadlineConnection(psycopg.Connection[Any]):
    """A connection that ran out of time is closed (its state on the server is unknown), so
    the pool discards it, and the wait raises OperationalError."""

    def wait(
        self, gen: PQGen[RV], interval: float = WAIT_INTERVAL, timeout: float | None = None
    ) -> RV:
        try:
            return super().wait(gen, interval, ANSWER_DEADLINE if timeout is None else timeout)
        except psycopg.errors._WaitTimeout:
            if timeout is not None:
                raise  # the caller's own timeout (notifies), which psycopg handles
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {ANSWER_DEADLINE:g} s"
            ) from None


def connect_with_deadline(
    _dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]
) -> DeadlineConnection:
    """SQLAlchemy's `do_connect` hook: the engine's connections are DeadlineConnections."""
    return DeadlineConnection.connect(*cargs, **cparams)
