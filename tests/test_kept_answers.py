"""Questions answered at once: the quick read of a version, and kept answers never stale."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import REGRIGHTS, cli_env, said
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.runtime import build_service, open_database
from domain.services.commands import read_command
from domain.services.service import Caller
from domain.store.database import make_engine
from domain.store.quick_read import NoQuickRead, SqliteQuickRead, quick_read

ADMIN, EDITOR, READER = "UADMIN", "UEDITOR", "UREADER"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "regrights.sqlite3"


def test_the_quick_read_sees_each_commit_of_another_process_at_once(database: Path) -> None:
    engine = open_database(f"sqlite:///{database}")
    reader = quick_read(engine)
    assert isinstance(reader, SqliteQuickRead)
    assert reader.version("console", ADMIN) is None  # unbound
    run = [REGRIGHTS, "cmd", "--user", ADMIN, "--as-of", "2026-06-01"]
    subprocess.run(
        [*run, "suspend"], env=cli_env(f"sqlite:///{database}"), check=True, capture_output=True
    )
    first = reader.version("console", EDITOR)
    assert first is not None and first.last_seq == 1 and first.granted is None
    grant = [*run, "grant", f"<@{EDITOR}>", "editor"]
    subprocess.run(grant, env=cli_env(f"sqlite:///{database}"), check=True, capture_output=True)
    assert reader.version("console", EDITOR) == first._replace(granted="editor")
    subprocess.run(
        [*run, "resume"], env=cli_env(f"sqlite:///{database}"), check=True, capture_output=True
    )
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
    assert service.answer_at_once(read_command("status"), caller()) is None  # nothing kept yet
    first = service.handle("status", caller())
    assert service.answer_at_once(read_command("status"), caller()) is first
    # A write is never answered here.
    assert service.answer_at_once(read_command("delay 5"), caller()) is None
    help_reply = service.answer_at_once(read_command("help"), caller())
    assert help_reply is not None and help_reply.ok
    malformed = service.answer_at_once(read_command("delay soon"), caller())
    assert malformed is not None and malformed.exit_code == 2

    subprocess.run(
        [REGRIGHTS, "cmd", "--user", ADMIN, "--as-of", "2026-06-01", "suspend"],
        env=cli_env(f"sqlite:///{database}"),
        check=True,
        capture_output=True,
    )
    assert service.answer_at_once(read_command("status"), caller()) is None
    assert service.handle("status", caller()).data["sales_suspended"] is True
    engine.dispose()


# -------------------------------------------------------------- never stale, whatever happens

WRITES = [
    "suspend",
    "resume",
    "undo",
    "delay 5 reason i",
    "delay-end",
    "s3-eligible on 2026-01-05",
    "demand 1000",
    "holders-notified",
    "filed",
]
ROLE_CHANGES = [
    f"grant <@{READER}> editor",
    f"revoke <@{READER}>",
    f"grant <@{EDITOR}> editor",
    f"revoke <@{EDITOR}>",
]
QUESTIONS = ["status", "deadlines", "history 3", "delay check 10"]
# Each example starts with a registration under way and a delay running, whose reason only
# insiders may see: a grant or revoke changes what the asker is told at once.
SEEDED = [
    f"grant <@{EDITOR}> editor",
    "s3-eligible on 2025-12-21",
    "demand 1000 on 2026-01-20",
    "holders-notified on 2026-01-25",
    "filed on 2026-02-09",
    "delay 30 from 2026-03-01 reason i",
]
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("write"),
            st.integers(0, 1),  # which instance
            st.sampled_from([ADMIN, EDITOR]),  # only the admin may grant and revoke
            st.sampled_from(WRITES),
        ),
        st.tuples(
            st.just("write"),
            st.integers(0, 1),
            st.just(ADMIN),
            st.sampled_from(ROLE_CHANGES),
        ),
        st.tuples(st.just("next day"), st.just(0), st.just(ADMIN), st.just("")),
    ),
    max_size=10,
)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated database to copy: each example starts from its own copy."""
    path = tmp_path_factory.mktemp("kept") / "template.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    return path


class Instances:
    """Two instances of the bot, each with its own engine on one SQLite file, and a clock."""

    def __init__(self, path: Path) -> None:
        self.engines = [make_engine(f"sqlite:///{path}") for _ in range(2)]
        self.services = [build_service(e, frozenset({ADMIN})) for e in self.engines]
        self.now = datetime(2026, 3, 20, 15, tzinfo=UTC)
        admin = caller(now=self.now)
        self.services[0].bootstrap(admin)
        for text in SEEDED:
            assert self.services[0].handle(text, admin).ok, text

    def fresh_answer(self, text: str, asker: Caller) -> tuple[str, object]:
        """What an instance keeping nothing answers."""
        reply = build_service(self.engines[0], frozenset({ADMIN})).handle(text, asker)
        return said(reply), reply.data

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_an_answer_given_at_once_is_always_what_a_fresh_reading_gives(
    migrated: Path, script: list[tuple[str, int, str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as work:
        path = Path(shutil.copy(migrated, Path(work) / "kept.sqlite3"))
        instances = Instances(path)
        try:
            for action, which, writer, text in script:
                if action == "next day":
                    instances.now += timedelta(days=1)
                else:
                    instances.services[which].handle(text, caller(writer, instances.now))
                # Every question from each non-admin, on both instances, after every step: most
                # are answered at once.
                for asker in (caller(EDITOR, instances.now), caller(READER, instances.now)):
                    for question in QUESTIONS:
                        fresh = instances.fresh_answer(question, asker)
                        for service in instances.services:
                            at_once = service.answer_at_once(read_command(question), asker)
                            reply = at_once or service.handle(question, asker)
                            assert (said(reply), reply.data) == fresh
        finally:
            instances.close()


def test_a_write_that_fails_after_its_append_leaves_no_trace_in_the_kept_history(
    database: Path,
) -> None:
    engine = open_database(f"sqlite:///{database}")
    armed: list[bool] = []

    def fail_once_armed(*_: object) -> None:
        if armed:
            armed.clear()
            raise RuntimeError("the listener failed")

    service = build_service(engine, frozenset({ADMIN}), on_change=(fail_once_armed,))
    service.bootstrap(caller())
    assert service.handle("s3-eligible on 2026-01-05", caller()).ok
    assert len(service.handle("history", caller()).data["events"]) == 1  # the history is kept
    armed.append(True)
    with pytest.raises(RuntimeError):
        service.handle("suspend", caller())
    # `history 9` was never asked, so its answer is worked out from the kept history.
    assert len(service.handle("history 9", caller()).data["events"]) == 1
    assert service.handle("suspend", caller()).ok
    kinds = [e["kind"] for e in service.handle("history 8", caller()).data["events"]]
    assert kinds == ["suspend", "s3-eligible"]  # newest first
    engine.dispose()
