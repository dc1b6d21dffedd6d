"""SQLite: questions take no write lock, so they answer while another process writes; a write
that waits past the busy limit says so in one line (exit 3) and records nothing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REGRIGHTS, cli_env

from bot.wiring import build_service, open_database
from domain.services.service import Caller
from domain.store.database import SQLITE_BUSY_SECONDS

CYCLES = 150  # suspend/resume pairs: a history of 300 events


@pytest.fixture(scope="module")
def recorded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("long-history") / "regrights.sqlite3"
    engine = open_database(f"sqlite:///{database}")
    service = build_service(engine, frozenset({"console"}))
    caller = Caller("console", "console", "test", datetime(2026, 3, 2, 15, tzinfo=UTC))
    service.bootstrap(caller)
    for _ in range(CYCLES):
        assert service.handle("suspend", caller).ok
        assert service.handle("resume", caller).ok
    engine.dispose()  # its last connection folds the WAL into the file
    return database


@pytest.fixture
def long_history(recorded_once: Path, tmp_path: Path) -> Path:
    """A database holding a history of 300 events, each test its own copy."""
    return Path(shutil.copyfile(recorded_once, tmp_path / "regrights.sqlite3"))


@pytest.fixture
def write_lock(long_history: Path) -> Iterator[None]:
    """Another process's write in progress: the database's one write lock, held."""
    holder = sqlite3.connect(long_history, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield
    holder.execute("ROLLBACK")
    holder.close()


def cmd(database: Path, *words: str) -> subprocess.CompletedProcess[str]:
    env = cli_env(f"sqlite:///{database}")
    return subprocess.run(
        [REGRIGHTS, "cmd", "--as-of", "2026-03-02", *words],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_questions_answer_while_a_write_holds_the_lock(
    long_history: Path, write_lock: None
) -> None:
    began = time.monotonic()
    done = cmd(long_history, "history", "3")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - began < SQLITE_BUSY_SECONDS / 2
    assert "resume" in done.stdout


def test_a_write_that_waits_too_long_says_so(long_history: Path, write_lock: None) -> None:
    done = cmd(long_history, "suspend")
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "regrights: the database is busy with another write and stayed locked past the wait; "
        "nothing was recorded, try again"
    ]


def test_concurrent_commands_on_a_long_history(long_history: Path) -> None:
    commands = [("status",)] * 8 + [("suspend",), ("resume",)]
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        results = list(pool.map(lambda words: cmd(long_history, *words), commands))
    failures = [r for r in results if r.stderr or r.returncode not in (0, 1)]
    assert failures == []
    # Each write either recorded or was refused by the rules (one suspension at a time).
    assert all(r.returncode == 0 for r in results[:8])
