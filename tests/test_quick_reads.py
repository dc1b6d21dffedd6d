"""`regrights cmd` answers questions from SQLite through plain sqlite3, loading no ORM: every
answer must be the one the full path gives, and the quick path must step aside whenever it
cannot give it (a write, an empty or unmigrated database, another database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ADMIN, EDITOR, READER, Desk, packages_imported, said

from bot.quick_question import quick_answer
from bot.runtime import build_service, open_database
from bot.settings import Settings
from domain.services.service import Caller
from domain.store.location import sqlite_file

HISTORY = [
    "s3-eligible on 2026-01-05",
    "demand 250000 on 2026-01-06 by mail",
    "holders-notified on 2026-01-20",
    "filing-planned 2026-03-02 on 2026-01-21",
    "requested-info-sent on 2026-02-20",
    "filed on 2026-03-02",
    "delay 30 from 2026-03-10 reason iii",
    "delay extend 10 on 2026-03-20",
    "piggyback-notice on 2026-04-01 by mail",
    "stop-order on 2026-04-20",
    "undo",
]
QUESTIONS = [
    "status",
    "deadlines",
    "history",
    "history 3",
    "terms",
    "compliance",
    "delay check 10",
    "delay check 30 from 2026-06-01",
    "delay check 200",
    "cutback 1000 company=600 investor=300:1000 bob=300:500",
    "timeline",
]


@pytest.fixture
def recorded(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'regrights.sqlite3'}"
    engine = open_database(url)
    desk = Desk(build_service(engine, frozenset({ADMIN})), date(2026, 4, 30))
    desk.ok("setup nstor-2002")
    desk.ok(f"grant <@{EDITOR}> editor")
    for line in HISTORY:
        desk.ok(line, EDITOR)
    engine.dispose()
    return url


def _settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        bot_token=None,
        signing_secret=None,
        app_token=None,
        api_url=None,
        admins=frozenset({ADMIN}),
        command="/regrights",
        port=3000,
    )


@pytest.mark.parametrize("user", [ADMIN, EDITOR, READER])
@pytest.mark.parametrize("as_of", [date(2026, 3, 25), date(2026, 4, 30), date(2027, 6, 1)])
def test_every_question_is_answered_exactly_as_the_full_path_answers_it(
    recorded: str, user: str, as_of: date
) -> None:
    settings = _settings(recorded)
    full = build_service(open_database(recorded), settings.admins)
    now = datetime(2026, 11, 26, 15, tzinfo=UTC)
    for question in QUESTIONS:
        quick = quick_answer(question, settings, user=user, channel="CDEALS", as_of=as_of)
        assert quick is not None, question
        slow = full.handle(question, Caller(user, "CDEALS", "cli", now, as_of))
        assert (said(quick), quick.data, quick.exit_code) == (
            said(slow),
            slow.data,
            slow.exit_code,
        ), question


def test_the_quick_path_steps_aside_when_it_cannot_answer(recorded: str, tmp_path: Path) -> None:
    settings = _settings(recorded)

    def asked(text: str, channel: str = "CDEALS", url: str = recorded) -> bool:
        answer = quick_answer(text, _settings(url), user=ADMIN, channel=channel, as_of=None)
        return answer is not None

    assert asked("status") and asked("status", channel="CELSEWHERE")  # unbound: it says so
    for write in ("delay 5", "undo", "grant <@U1> editor", "setup nstor-2002", "calendar link"):
        assert not asked(write), write
    assert not asked("frobnicate") and not asked("help")
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    open_database(empty).dispose()  # migrated, no agreement: `cmd` must set one up first
    assert not asked("status", url=empty)
    assert not asked("status", url=f"sqlite:///{tmp_path / 'missing.sqlite3'}")
    assert not (tmp_path / "missing.sqlite3").exists()  # and it never creates the file
    assert not asked("status", url="postgresql://postgres@127.0.0.1:5432/none")
    assert settings.database_url == recorded


def test_sqlite_urls_name_their_file() -> None:
    assert sqlite_file(None) == "regrights.sqlite3"
    assert sqlite_file("sqlite:////var/lib/regrights.db") == "/var/lib/regrights.db"
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///x.db?timeout=5") is None
    assert sqlite_file("postgresql://h/db") is None


# The ORM, and the validator of profile files (a stored profile is rebuilt without it).
FULL_PATH = {"sqlalchemy", "sqlmodel", "alembic", "pydantic"}


@pytest.mark.parametrize(
    ("command", "full_path_loaded"),
    [
        (["cmd", "status"], False),
        (["cmd", "--json", "deadlines"], False),
        (["tick", "--at", "2026-05-01T12:00:00Z"], False),  # nothing due then
        (["cmd", "delay", "5"], True),  # a write: the check sees a load when there is one
    ],
)
def test_a_question_and_an_idle_tick_load_neither_the_orm_nor_the_validator(
    recorded: str, command: list[str], full_path_loaded: bool
) -> None:
    run, imported = packages_imported(command, recorded)
    assert run.returncode in {0, 1}, run.stderr
    assert bool(imported & FULL_PATH) is full_path_loaded, imported & FULL_PATH
