"""An asker's version, read without waiting: for answering a question in Slack's ack itself.

On SQLite the database is a library call away. The version query on a plain sqlite3
connection costs a few microseconds, where a SQLAlchemy session around it costs a hundred and
more. One such connection is kept for this read alone, with a 50 ms busy limit, so it cannot
hold an ack up for long (in WAL mode a read does not wait for writers anyway). Each query is
its own read transaction, so it sees every commit made before it, by any process.

PostgreSQL is a network round trip away, which a slow server could stretch, so it has no quick
read: its questions are answered from Bolt's pool, within the listener's time limit.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Protocol
from urllib.parse import quote

from sqlalchemy import Engine

from domain.store.version import VERSION_SQL, Version

# How long a quick read may wait, for the connection or for a locked database, before the
# question takes the slow path.
BUSY_SECONDS = 0.05


class QuickRead(Protocol):
    def version(self, channel_id: str, user: str) -> Version | None:
        """The channel's version for `user`; None if it cannot be read at once, or the
        channel is unbound (the slow path answers both)."""
        ...


class NoQuickRead:
    def version(self, channel_id: str, user: str) -> Version | None:
        return None


class SqliteQuickRead:
    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def version(self, channel_id: str, user: str) -> Version | None:
        # Wait no longer for the connection than for the database: another thread may be
        # holding it through a busy wait.
        if not self._lock.acquire(timeout=BUSY_SECONDS):
            return None
        try:
            found = (
                self._connect()
                .execute(VERSION_SQL, {"channel": channel_id, "user": user})
                .fetchone()
            )
        except sqlite3.Error:
            self._close()  # busy, or worse: the next read starts on a new connection
            return None
        finally:
            self._lock.release()
        return None if found is None else Version(*found)

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            # mode=rw: never create the file if it has gone.
            self._connection = sqlite3.connect(
                f"file:{quote(self._path)}?mode=rw",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_SECONDS,
            )
        return self._connection

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def quick_read(engine: Engine) -> QuickRead:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return NoQuickRead()
    return SqliteQuickRead(database)
