"""Whatever is typed, the service answers and never half-writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from conftest import said
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from bot.wiring import build_service, open_database
from domain.services.commands import COMMANDS
from domain.services.replies import ExitCode
from domain.services.service import Caller
from domain.store.schema import EVENT

tokens = st.one_of(
    st.sampled_from(
        [
            *(spec.name for spec in COMMANDS),
            "on",
            "from",
            "by",
            "mail",
            "reason",
            "iii",
            "extend",
            "end",
            "check",
            "2026-01-01",
            "2099-01-01",
            "30",
            "0",
            "-3",
            "x=1:2",
            "<@U9>",
            "admin",
        ]
    ),
    st.text(max_size=12),
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite3'}")
    yield engine
    engine.dispose()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(tokens, max_size=6))
def test_any_command_gets_an_answer_and_a_malformed_one_writes_nothing(
    engine: Engine, words: list[str]
) -> None:
    service = build_service(engine, frozenset({"UADMIN"}))
    caller = Caller("UADMIN", "C1", "test", datetime(2026, 6, 1, 15, tzinfo=UTC))
    service.bootstrap(caller)
    before = _count(engine)
    reply = service.handle(" ".join(words), caller)
    assert reply.exit_code in {ExitCode.OK, ExitCode.REFUSED, ExitCode.MALFORMED}
    assert said(reply)
    assert reply.data["ok"] is reply.ok
    if not reply.ok:
        assert _count(engine) == before
        assert "error" in reply.data and "section" in reply.data


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(EVENT)).one()
