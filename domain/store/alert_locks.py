"""Who may work on an agreement's alerts right now: one pass at a time, held only while the
process lives. No lease with a timeout: when the holder dies, the lock is gone that instant
(PostgreSQL ends the session, the kernel closes the file), so the next pass may recover."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

# Any fixed numbers: the first half of the two-part advisory lock key, the agreement id the
# other. An agreement's alerts and its announcements are held apart.
_LOCK_SPACES = {"alerts": 0x72616C74, "announcements": 0x616E6E63}
_memory_locks: dict[tuple[str, str, int], threading.Lock] = {}
_memory_guard = threading.Lock()


@contextmanager
def hold_agreement(engine: Engine, agreement_id: int, work: str = "alerts") -> Iterator[bool]:
    """Yields True while this pass alone holds the agreement's `work` (its alerts, or its
    announcements), False if another does."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, _LOCK_SPACES[work], agreement_id) as held:
            yield held
        return
    database = engine.url.database
    if not database or database == ":memory:" or "mode=memory" in str(engine.url):
        with _memory_lock(str(engine.url), work, agreement_id) as held:
            yield held
        return
    with _file_lock(f"{database}.{work}.lock") as held:
        yield held


@contextmanager
def _advisory_lock(engine: Engine, space: int, agreement_id: int) -> Iterator[bool]:
    # A session-level lock on a connection of its own, outside any transaction the pass commits.
    with engine.connect() as connection:
        key = {"space": space, "id": agreement_id}
        held = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:space, :id)"), key).scalar_one()
        )
        connection.commit()
        try:
            yield held
        finally:
            if held:
                _unlock(connection, key)


def _unlock(connection: Connection, key: dict[str, int]) -> None:
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:space, :id)"), key)
        connection.commit()
    except Exception:
        # Never hand a connection that may still hold the lock back to the pool.
        connection.invalidate()
        raise


@contextmanager
def _file_lock(path: str) -> Iterator[bool]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


@contextmanager
def _memory_lock(database: str, work: str, agreement_id: int) -> Iterator[bool]:
    with _memory_guard:
        lock = _memory_locks.setdefault((database, work, agreement_id), threading.Lock())
    held = lock.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            lock.release()
