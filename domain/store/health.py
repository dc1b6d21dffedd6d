"""The health check behind `/healthz`: the database answers `SELECT 1` within a deadline, and
a SQLite database's disk has room left to write."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("regrights.health")

HEALTH_DEADLINE = 5.0  # seconds; a load balancer's check usually gives up after 5-10 s
MIN_FREE_BYTES = 16 << 20  # below this a write (and SQLite's journal) may fail at any moment


@dataclass(frozen=True)
class Health:
    ok: bool
    reason: str = ""


class HealthCheck:
    """One check at a time runs in its own thread; while one hangs on a database that stopped
    answering, the next ones report that at once rather than piling up behind it."""

    def __init__(
        self,
        engine: Engine,
        *,
        deadline: float = HEALTH_DEADLINE,
        min_free_bytes: int = MIN_FREE_BYTES,
    ) -> None:
        self._engine = engine
        self._deadline = deadline
        self._min_free = min_free_bytes
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
        self._running: Future[Health] | None = None
        self._since = 0.0
        self._lock = threading.Lock()

    def check(self) -> Health:
        with self._lock:
            if self._running is None or self._running.done():
                self._running = self._pool.submit(self._probe)
                self._since = time.monotonic()
            running, since = self._running, self._since
        try:
            return running.result(timeout=max(0.0, self._deadline - (time.monotonic() - since)))
        except FutureTimeout:
            return Health(False, f"the database did not answer within {self._deadline:g} s")

    def _probe(self) -> Health:
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("health check: the database is unreachable: %s", exc.__class__.__name__)
            return Health(False, "the database is unreachable")
        folder = sqlite_folder(self._engine)
        if folder is not None:
            free = shutil.disk_usage(folder).free
            if free < self._min_free:
                return Health(False, f"the database's disk is full ({free >> 20} MiB free)")
        return Health(True)


def sqlite_folder(engine: Engine) -> Path | None:
    """The folder of a SQLite database file (None for PostgreSQL or an in-memory database)."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name).resolve().parent
