"""PostgreSQL under faults (SPEC §16): a question or a write on a pooled connection already open
when the server froze gets its error within 10 s, like a new one; a write queued behind another
one's lock is told the database is busy, not that it is down."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from conftest import REGRIGHTS, cli_env
from in_process import regrights
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from tcp_proxy import HoldingProxy

from bot.failures import BUSY, describe
from bot.wiring import build_service, open_database
from domain.services.replies import Reply
from domain.services.service import Caller

pytestmark = pytest.mark.postgres
LIMIT = 10.0
ADMIN, CHANNEL = "U0ADMIN", "C0DEALS"


def _caller() -> Caller:
    return Caller(ADMIN, CHANNEL, "test", datetime(2024, 6, 3, 15, tzinfo=UTC))


@pytest.fixture
def proxied_url(migrated_postgres_url: str) -> Iterator[tuple[HoldingProxy, str]]:
    url = make_url(migrated_postgres_url)
    with HoldingProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
        yield proxy, url.set(port=proxy.port).render_as_string(hide_password=False)


def _fails_within_the_limit(ask: Callable[[], Reply]) -> str:
    """Runs `ask` in a thread (on today's code it would wait for the thaw): it must raise a
    database error within LIMIT seconds; what `cmd` and Slack would say of it."""
    pool = ThreadPoolExecutor(max_workers=1)
    began = time.monotonic()
    future = pool.submit(ask)
    try:
        error = future.exception(timeout=LIMIT + 1)
    finally:
        pool.shutdown(wait=False)
    assert time.monotonic() - began < LIMIT
    assert isinstance(error, OperationalError), error
    failure = describe(error)
    assert failure is not None and failure.exit_code == 3
    return failure.message


def test_a_pooled_connection_open_before_the_freeze_gives_up_within_the_limit(
    proxied_url: tuple[HoldingProxy, str],
) -> None:
    proxy, url = proxied_url
    engine = open_database(url)
    service = build_service(engine, frozenset({ADMIN}))
    assert service.handle("setup nstor-2002", _caller()).ok
    assert service.handle("status", _caller()).ok  # its connection stays in the pool, open
    proxy.hold()
    said = _fails_within_the_limit(lambda: service.handle("status", _caller()))
    assert said.startswith("the database is unavailable")
    # A write on the next connection fails in time too, and says why.
    said = _fails_within_the_limit(lambda: service.handle("s3-eligible on 2024-01-02", _caller()))
    assert said.startswith("the database is unavailable")
    engine.dispose()


def test_a_write_queued_behind_a_lock_is_told_the_database_is_busy(
    migrated_postgres_url: str,
) -> None:
    env = cli_env(migrated_postgres_url)
    assert regrights("cmd", "setup", "nstor-2002", env=env).returncode == 0
    engine = open_database(migrated_postgres_url)
    service = build_service(engine, frozenset({"console"}))  # `cmd`'s: no deadline of its own
    caller = Caller("console", "console", "test", datetime(2024, 6, 3, 15, tzinfo=UTC))
    with engine.connect() as holder:
        holder.execute(text("SELECT id FROM agreement FOR UPDATE"))
        # `cmd`, in a process of its own, waits for the lock while this one does.
        with subprocess.Popen(
            [REGRIGHTS, "cmd", "s3-eligible", "on", "2024-01-02"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as command:
            said = _fails_within_the_limit(
                lambda: service.handle("s3-eligible on 2024-01-02", caller)
            )
            assert said == BUSY
            _, stderr = command.communicate(timeout=60)
        holder.rollback()
    assert command.returncode == 3
    (line,) = stderr.splitlines()
    assert line == f"regrights: {BUSY}"
    history = regrights("cmd", "--json", "history", env=env)
    assert '"events": []' in history.stdout
    engine.dispose()
