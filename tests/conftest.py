"""Shared fixtures: databases (a temp SQLite file, a throwaway PostgreSQL database) and a service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from throwaway_databases import PostgresDatabases, copy_sqlite, migrated_sqlite_file

from bot.render.answers import render
from bot.wiring import build_service, open_database
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# The console script of the environment running the tests.
REGRIGHTS = str(Path(sys.executable).with_name("regrights"))


def cli_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment for a `regrights` subprocess: this one without any Slack or regrights
    setting of its own, plus the database and `settings`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REGRIGHTS_"))}
    return {**clean, "REGRIGHTS_DATABASE_URL": database_url, **settings}


# Runs `regrights` in-process, then prints the modules it imported.
_LIST_IMPORTS = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
sys.exit(code)
"""


def modules_imported(
    command: list[str], database_url: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Runs `regrights COMMAND` in a new interpreter on `database_url`: the finished process,
    and the modules it imported."""
    run = subprocess.run(
        [sys.executable, "-c", _LIST_IMPORTS, *command],
        env=cli_env(database_url),
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        check=False,
    )
    lines = run.stdout.splitlines()
    assert lines, run.stderr  # it printed what it imported, or it failed before that
    return run, set(json.loads(lines[-1]))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: half as many workers again as cores. Many tests mostly wait (for a process
    to start, a lock to time out, a socket to answer), and a core one leaves idle serves
    another. Twice as many workers as cores was barely faster and leaves each of the tests
    that time the bot half a core. PYTEST_XDIST_AUTO_NUM_WORKERS, when set, still decides."""
    if "PYTEST_XDIST_AUTO_NUM_WORKERS" in os.environ:
        return None
    cores = len(os.sched_getaffinity(0))
    return cores + (cores + 1) // 2


def _postgres_running() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def _start_postgres() -> None:
    clusters = sorted(p.name for p in Path("/etc/postgresql").glob("*"))
    if clusters:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"],
            check=False,
            capture_output=True,
        )


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server on 127.0.0.1:5432; started if it is down. Never skipped."""
    if not _postgres_running():
        _start_postgres()
    assert _postgres_running(), "PostgreSQL is not reachable on 127.0.0.1:5432"
    return POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_server)
    yield databases
    databases.close()


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> str:
    """A fresh, empty database (dropped when the test process ends)."""
    return postgres_databases.new(migrated=False)


@pytest.fixture
def migrated_postgres_url(postgres_databases: PostgresDatabases) -> str:
    """A fresh database already migrated to the newest revision."""
    return postgres_databases.new(migrated=True)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database not made yet: the first to open it makes and migrates it."""
    return f"sqlite:///{tmp_path / 'regrights.sqlite3'}"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_file(tmp_path_factory.mktemp("template"))


@pytest.fixture
def migrated_sqlite_url(migrated_sqlite: Path, tmp_path: Path) -> str:
    """A SQLite database already migrated to the newest revision."""
    return copy_sqlite(migrated_sqlite, tmp_path / "regrights.sqlite3")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A database migrated to the newest revision, on each backend in turn."""
    return str(request.getfixturevalue(f"migrated_{request.param}_url"))


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """A database nothing has been migrated into yet, on each backend in turn."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def said(reply: Reply, *, to_channel: bool = False) -> str:
    """What the console and `regrights cmd` print for `reply`."""
    return render(reply.answer, to_channel=to_channel)


ADMIN = "UADMIN"
EDITOR = "UEDITOR"
READER = "UREADER"
CHANNEL = "CDEALS"


class Desk:
    """A service bound to one channel, with a settable today, for driving scenarios."""

    def __init__(self, service: RegRightsService, today: date) -> None:
        self.service = service
        self.today = today

    def caller(self, user: str = ADMIN, channel: str = CHANNEL) -> Caller:
        now = datetime(self.today.year, self.today.month, self.today.day, 17, 0, tzinfo=UTC)
        return Caller(user=user, channel=channel, source="test", now=now)

    def say(self, text: str, user: str = ADMIN, channel: str = CHANNEL):  # type: ignore[no-untyped-def]
        return self.service.handle(text, self.caller(user, channel))

    def ok(self, text: str, user: str = ADMIN) -> dict:  # type: ignore[type-arg]
        reply = self.say(text, user)
        assert reply.ok, said(reply)
        return reply.data


@pytest.fixture
def desk(engine: Engine) -> Desk:
    service = build_service(engine, frozenset({ADMIN}))
    desk = Desk(service, date(2026, 1, 5))
    desk.ok("setup nstor-2002")
    desk.ok(f"grant <@{EDITOR}> editor")
    return desk
