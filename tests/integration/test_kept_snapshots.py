"""The one cache, replayed histories kept by version: never stale, whatever happens, and a
position as of a day is built only from the events dated on or before it."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import said
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.wiring import build_service, open_database
from domain.services.service import Caller, RegRightsService
from domain.store.database import make_engine

ADMIN, EDITOR, READER = "UADMIN", "UEDITOR", "UREADER"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "regrights.sqlite3"


def caller(user: str = ADMIN, now: datetime = datetime(2026, 6, 1, 15, tzinfo=UTC)) -> Caller:
    return Caller(user=user, channel="console", source="test", now=now)


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
def test_an_answer_from_kept_snapshots_is_always_what_a_fresh_reading_gives(
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
                # are answered from a kept snapshot.
                for asker in (caller(EDITOR, instances.now), caller(READER, instances.now)):
                    for question in QUESTIONS:
                        fresh = instances.fresh_answer(question, asker)
                        for service in instances.services:
                            reply = service.handle(question, asker)
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
    assert len(service.handle("history", caller()).data["events"]) == 1  # its snapshot is kept
    armed.append(True)
    with pytest.raises(RuntimeError):
        service.handle("suspend", caller())
    assert len(service.handle("history 9", caller()).data["events"]) == 1
    assert service.handle("suspend", caller()).ok
    kinds = [e["kind"] for e in service.handle("history 8", caller()).data["events"]]
    assert kinds == ["suspend", "s3-eligible"]  # newest first
    engine.dispose()


LATER = [
    "suspend on {day}",
    "resume on {day}",
    "delay 5 from {day} reason i",
    "delay-end on {day}",
    "effective on {day}",
    "stop-order on {day}",
    "piggyback-notice on {day} by mail",
    "undo",
]
AS_OF_QUESTIONS = ["status", "deadlines", "history 20", "compliance", "delay check 10"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(0, 120),
    st.lists(st.tuples(st.integers(1, 60), st.sampled_from(LATER)), min_size=1, max_size=5),
)
def test_a_position_as_of_a_day_is_built_only_from_the_events_dated_by_then(
    migrated: Path, offset: int, later: list[tuple[int, str]]
) -> None:
    day = datetime(2026, 2, 1, 15, tzinfo=UTC) + timedelta(days=offset)
    with tempfile.TemporaryDirectory() as work:
        path = Path(shutil.copy(migrated, Path(work) / "as-of.sqlite3"))
        instances = Instances(path)
        service = instances.services[0]
        asker = Caller(EDITOR, "console", "test", instances.now, as_of=day.date())

        def position(service: RegRightsService) -> list[tuple[str, object]]:
            return [
                (said(reply), reply.data)
                for reply in (service.handle(q, asker) for q in AS_OF_QUESTIONS)
            ]

        try:
            before = position(service)
            for days, text in later:
                when = max(day, instances.now) + timedelta(days=days)
                service.handle(text.format(day=when.date()), caller(ADMIN, now=when))
            assert position(service) == before  # from the kept snapshots
            assert position(build_service(instances.engines[1], frozenset({ADMIN}))) == before
        finally:
            instances.close()
