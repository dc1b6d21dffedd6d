"""Questions answered at once: the quick read of a version, and kept answers never stale."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.runtime import build_service, open_database
from domain.service import Caller
from domain.store.quick_read import NoQuickRead, SqliteQuickRead, quick_read

REGRIGHTS = str(Path(sys.executable).with_name("regrights"))
ADMIN, EDITOR, READER = "UADMIN", "UEDITOR", "UREADER"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "regrights.sqlite3"


def cli_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REGRIGHTS_"))}
    return {**env, "REGRIGHTS_DATABASE_URL": f"sqlite:///{database}"}


def test_the_quick_read_sees_each_commit_of_another_process_at_once(database: Path) -> None:
    engine = open_database(f"sqlite:///{database}")
    reader = quick_read(engine)
    assert isinstance(reader, SqliteQuickRead)
    assert reader.version("console", ADMIN) is None  # unbound
    run = [REGRIGHTS, "cmd", "--user", ADMIN, "--as-of", "2026-06-01"]
    subprocess.run([*run, "suspend"], env=cli_env(database), check=True, capture_output=True)
    first = reader.version("console", EDITOR)
    assert first is not None and first.last_seq == 1 and first.granted is None
    grant = [*run, "grant", f"<@{EDITOR}>", "editor"]
    subprocess.run(grant, env=cli_env(database), check=True, capture_output=True)
    assert reader.version("console", EDITOR) == first._replace(granted="editor")
    subprocess.run([*run, "resume"], env=cli_env(database), check=True, capture_output=True)
    assert reader.version("console", EDITOR) == first._replace(last_seq=2, granted="editor")
    engine.dispose()


def test_the_quick_read_gives_up_at_once_on_a_locked_database(database: Path) -> None:
    open_database(f"sqlite:///{database}").dispose()
    locker = sqlite3.connect(database, isolation_level=None, timeout=0)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    began = time.perf_counter()
    assert SqliteQuickRead(str(database)).version("console", ADMIN) is None
    assert time.perf_counter() - began < 0.5
    locker.execute("ROLLBACK")
    locker.close()


def test_the_quick_read_never_creates_a_missing_file(tmp_path: Path) -> None:
    gone = tmp_path / "gone.sqlite3"
    assert SqliteQuickRead(str(gone)).version("console", ADMIN) is None
    assert not gone.exists()


def test_postgres_and_a_memory_database_have_no_quick_read(postgres_url: str) -> None:
    for url in (postgres_url, "sqlite://"):
        engine = open_database(url)
        assert isinstance(quick_read(engine), NoQuickRead)
        engine.dispose()


def caller(user: str = ADMIN, now: datetime = datetime(2026, 6, 1, 15, tzinfo=UTC)) -> Caller:
    return Caller(user=user, channel="console", source="test", now=now)


def test_a_question_is_answered_at_once_only_while_nothing_has_changed(
    database: Path,
) -> None:
    engine = open_database(f"sqlite:///{database}")
    service = build_service(engine, frozenset({ADMIN}))
    service.bootstrap(caller())
    assert service.answer_at_once("status", caller()) is None  # nothing kept yet
    first = service.handle("status", caller())
    assert service.answer_at_once("status", caller()) is first
    assert service.answer_at_once("delay 5", caller()) is None  # a write is never answered here
    help_reply = service.answer_at_once("help", caller())
    assert help_reply is not None and help_reply.ok
    malformed = service.answer_at_once("delay soon", caller())
    assert malformed is not None and malformed.exit_code == 2

    subprocess.run(
        [REGRIGHTS, "cmd", "--user", ADMIN, "--as-of", "2026-06-01", "suspend"],
        env=cli_env(database),
        check=True,
        capture_output=True,
    )
    assert service.answer_at_once("status", caller()) is None
    assert service.handle("status", caller()).data["sales_suspended"] is True
    engine.dispose()


# -------------------------------------------------------------- never stale, whatever happens

WRITES = [
    "suspend",
    "resume",
    "undo",
    "delay 5 reason i",
    "delay-end",
    f"grant <@{READER}> editor",
    f"revoke <@{READER}>",
    "s3-eligible on 2026-01-05",
    "demand 1000",
    "holders-notified",
    "filed",
]
QUESTIONS = ["status", "deadlines", "history 3", "delay check 10"]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(0, 1), st.sampled_from(WRITES)),
        st.tuples(st.just("next day"), st.just(0), st.just("")),
    ),
    max_size=8,
)


class Instances:
    """Two instances of the bot, each with its own engine on one SQLite file, and a clock."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engines = [open_database(url), open_database(url)]
        self.services = [build_service(e, frozenset({ADMIN})) for e in self.engines]
        self.now = datetime(2026, 2, 2, 15, tzinfo=UTC)
        self.services[0].bootstrap(caller(now=self.now))
        self.services[0].handle(f"grant <@{EDITOR}> editor", caller(now=self.now))

    def fresh_answer(self, text: str, asker: Caller) -> tuple[str, object]:
        """What an instance keeping nothing answers."""
        reply = build_service(self.engines[0], frozenset({ADMIN})).handle(text, asker)
        return reply.text, reply.data


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instances]:
    found = Instances(f"sqlite:///{tmp_path_factory.mktemp('kept') / 'kept.sqlite3'}")
    yield found
    for engine in found.engines:
        engine.dispose()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps, st.sampled_from([ADMIN, EDITOR, READER]))
def test_an_answer_given_at_once_is_always_what_a_fresh_reading_gives(
    instances: Instances, script: list[tuple[str, int, str]], user: str
) -> None:
    for action, which, text in script:
        if action == "next day":
            instances.now += timedelta(days=1)
        else:
            instances.services[which].handle(text, caller(EDITOR, instances.now))
        # Every question, on both instances, after every step: most are answered at once.
        asker = caller(user, instances.now)
        for service in instances.services:
            for question in QUESTIONS:
                at_once = service.answer_at_once(question, asker)
                reply = at_once if at_once is not None else service.handle(question, asker)
                assert (reply.text, reply.data) == instances.fresh_answer(question, asker)
