"""Engines: SQLite by default, PostgreSQL by URL, with writes to one agreement serialised."""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from domain.store.location import DEFAULT_DATABASE_URL, ReadOnlyDatabase, read_only_folder

# PostgreSQL connections one process holds at most, and how long a unit of work waits for one.
POOL_SIZE, MAX_OVERFLOW, POOL_TIMEOUT = 10, 20, 30.0
# Every wait on a PostgreSQL server ends within SPEC §11's 10 s. Connecting: libpq's
# connect_timeout. A lock: lock_timeout, reported as "busy" (writers queued on one agreement
# under load legitimately wait seconds). A statement: the server's statement_timeout. And, for
# a connection already open when the server (or something between) stopped answering, where
# neither the server's timeouts nor keepalives fire as long as a middlebox acknowledges the
# packets: a deadline on the client's own wait for each answer (`answer_deadline.py`).
# A pooled connection found dead by its pre-ping is replaced by a new one (connect_timeout):
# the two together stay under 10 s (`answer_deadline.PING_DEADLINE`).
LOCK_TIMEOUT_MS = 8000
STATEMENT_TIMEOUT_MS = 8500
POSTGRES_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 4,
    "options": f"-c lock_timeout={LOCK_TIMEOUT_MS} -c statement_timeout={STATEMENT_TIMEOUT_MS}",
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 1,
    "keepalives_count": 3,
    "tcp_user_timeout": 8000,
}
# How long a SQLite write waits for another's to finish before it gives up (SPEC §11: 10 s).
SQLITE_BUSY_SECONDS = 10


def database_url(explicit: str | None = None) -> str:
    """The configured URL; a plain `postgresql://` one is given the psycopg (3) driver."""
    url = explicit or os.environ.get("REGRIGHTS_DATABASE_URL") or DEFAULT_DATABASE_URL
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def display_url(explicit: str | None = None) -> str:
    """The configured URL as it may be shown to people: without its password."""
    return make_url(database_url(explicit)).render_as_string(hide_password=True)


def make_engine(url: str | None = None) -> Engine:
    resolved = database_url(url)
    if resolved.startswith("sqlite"):
        return _sqlite_engine(resolved)
    engine = create_engine(
        resolved,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT,
        connect_args=POSTGRES_CONNECT_ARGS,
    )
    from domain.store.answer_deadline import connect_with_deadline, in_the_pool, out_of_the_pool

    event.listen(engine, "do_connect", connect_with_deadline)
    event.listen(engine, "checkin", in_the_pool)
    event.listen(engine, "checkout", out_of_the_pool)
    _gates[engine] = FairGate(POOL_SIZE + MAX_OVERFLOW, POOL_TIMEOUT)
    return engine


class FairGate:
    """At most `permits` holders at once; the others wait in the order they came, and each
    one leaving hands its permit to the first in line.

    The units of work pass through it before taking a pooled connection. The pool alone lets
    a thread that has just given a connection back take it again at once, ahead of those
    waiting, and a waiter that loses that race goes to the back of the line: with more
    writers than connections, some waited many times their share (seconds at the p99)."""

    def __init__(self, permits: int, timeout: float) -> None:
        self._free = permits
        self._timeout = timeout
        self._waiting: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    @contextmanager
    def passage(self) -> Iterator[None]:
        self._acquire()
        try:
            yield
        finally:
            self._release()

    def _acquire(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(self._timeout):
            return
        with self._lock:
            if turn.is_set():  # handed a permit just as the wait ran out
                return
            self._waiting.remove(turn)
        raise PoolTimeoutError(f"no database connection free within {self._timeout:.0f} s")

    def _release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1


_gates: weakref.WeakKeyDictionary[Engine, FairGate] = weakref.WeakKeyDictionary()


def connection_gate(engine: Engine) -> AbstractContextManager[None]:
    """Wrap a unit of work in this: first come, first served for the engine's connections
    (PostgreSQL; SQLite's writers queue on its file lock)."""
    gate = _gates.get(engine)
    return gate.passage() if gate is not None else nullcontext()


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    read_only = read_only_folder(path) if path and path != ":memory:" else None
    if path and read_only:
        # Read as immutable (no -shm, no locks); a write is refused at its BEGIN, naming why.
        immutable = f"file:{quote(path)}?mode=ro&immutable=1"
        engine = create_engine(
            url,
            creator=lambda: sqlite3.connect(immutable, uri=True, check_same_thread=False),
        )
    else:
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so a write
        # can begin IMMEDIATE and hold the database's write lock from its first read.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if ":memory:" not in url and not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.info.pop("begin_immediate", False)
        if immediate and path and read_only:
            raise ReadOnlyDatabase(path, read_only)
        if immediate:
            # How long this write waits for the database's write lock (a unit of work's deadline).
            busy_ms = connection.info.pop("busy_ms", SQLITE_BUSY_SECONDS * 1000)
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_ms)}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
