"""An import is the same lines recorded one by one, on SQLite and PostgreSQL: refused at the
line and for the reason the first refusal gives, with nothing stored; and, of the lines each
accepted, the same stored events (hash chain included), next alert time and answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import said
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from bot.alerts.schedule import next_alert_at
from bot.render.answers import render
from bot.wiring import build_service, open_database
from domain.services.answers import ImportFailed
from domain.services.loading import load_agreement
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService
from domain.store.agreement_store import AgreementStore
from domain.store.tables import AgreementRow

ADMIN, CHANNEL = "UADMIN", "CDEAL"
START = date(2026, 1, 5)
TODAY = date(2026, 6, 15)
NOW = datetime.combine(TODAY, time(15), UTC)

# Each line takes the date it happened on (`{d}`) and a number (`{n}`).
LINES = [
    "s3-eligible on {d}",
    "demand 1000000 on {d}",
    "demand 1000000 on {d} by mail",
    "holders-notified on {d} by mail",
    "filing-planned 2026-09-01 on {d}",
    "requested-info-sent on {d}",
    "filed on {d}",
    "effective on {d}",
    "stop-order on {d}",
    "withdrawn other on {d}",
    "suspend on {d}",
    "resume on {d}",
    "delay {n} from {d} reason ii",
    "delay extend {n} on {d}",
    "delay end on {d}",
    "piggyback-notice on {d}",
    "piggyback-notice on {d} by mail",
    "piggyback-requested 5000 on {d}",
    "undo",
    "undo",
    "remind leads 10,3,0",
    "remind at 08:30",
]
QUESTIONS = ("status", "deadlines", "compliance", "history 200")
# Every history opens with a demand registration under way, so that most lines drawn after it
# are accepted (an Allowed Delay needs something to delay).
OPENING = [
    ("s3-eligible on {d}", 0, 0, 0, False),
    ("demand 1000000 on {d}", 1, 0, 0, False),
    ("holders-notified on {d}", 2, 0, 0, False),
    ("filed on {d}", 5, 0, 0, False),
]

lines = st.tuples(
    st.sampled_from(LINES),
    st.integers(0, 8),  # days the record moves on before this line
    st.one_of(st.just(0), st.integers(0, 40)),  # days back the line is dated
    st.integers(1, 45),
    st.booleans(),  # a comment line before it
)


@pytest.fixture
def engines(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Engine, Engine]]:
    """Two databases of one backend: one recorded line by line, one imported into."""
    if database_url.startswith("sqlite"):
        other = f"sqlite:///{tmp_path / 'imported.sqlite3'}"
    else:
        # Not `migrated_postgres_url`: that is `database_url` itself.
        other = request.getfixturevalue("postgres_databases").new(migrated=True)
    pair = open_database(database_url), open_database(other)
    yield pair
    for engine in pair:
        engine.dispose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(lines, max_size=30))
def test_an_import_records_what_the_lines_one_by_one_record(
    engines: tuple[Engine, Engine], drawn: list[tuple[str, int, int, int, bool]]
) -> None:
    by_line, by_import = engines
    for engine in engines:
        _empty(engine)
    caller = Caller(ADMIN, CHANNEL, "test", NOW)
    recording, importing = (build_service(e, frozenset({ADMIN})) for e in engines)
    for service in (recording, importing):
        service.bootstrap(caller)

    file_lines, accepted, refused = [], [], None
    day = START
    for template, advance, back, number, commented in [*OPENING, *drawn]:
        day = min(day + timedelta(days=advance), TODAY)
        line = template.format(d=max(day - timedelta(days=back), START), n=number)
        if commented:
            file_lines.append("# counsel's note")
        file_lines.append(line)
        reply = recording.handle(line, caller)
        if reply.ok:
            accepted.append(line)
        elif refused is None:
            refused = (len(file_lines), reply)

    if refused is not None:
        failed = importing.import_history("\n".join(file_lines) + "\n", caller)
        _assert_refused_as(failed, *refused)
        assert _stored(by_import)[1] == []
        _assert_answers_equal(importing, build_service(by_import, frozenset({ADMIN})), caller)

    done = importing.import_history("".join(f"{line}\n" for line in accepted), caller)
    assert done.ok, said(done)
    assert done.data["recorded"] == len(accepted)
    assert _stored(by_import) == _stored(by_line)
    _assert_answers_equal(importing, recording, caller)
    _assert_answers_equal(importing, build_service(by_import, frozenset({ADMIN})), caller)
    stored, recomputed = _next_alert_times(by_import)
    assert stored == recomputed


def _assert_refused_as(failed: Reply, line: int, refusal: Reply) -> None:
    assert not failed.ok
    assert failed.exit_code == refusal.exit_code
    assert failed.data == {
        "ok": False,
        "line": line,
        "error": refusal.data["error"],
        "section": refusal.data["section"],
    }
    assert isinstance(failed.answer, ImportFailed)
    assert render(failed.answer.why) == said(refusal)


def _assert_answers_equal(one: RegRightsService, other: RegRightsService, caller: Caller) -> None:
    for question in QUESTIONS:
        mine, theirs = one.handle(question, caller), other.handle(question, caller)
        assert (said(mine), mine.data) == (said(theirs), theirs.data), question


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("alert", "event", "role_grant", "channel_binding", "agreement"):
            connection.execute(text(f"DELETE FROM {table}"))


def _stored(engine: Engine) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The agreement's row and its event rows, without the rows' own ids."""
    with engine.connect() as connection:
        agreement = connection.execute(text("SELECT * FROM agreement")).mappings().one()
        events = connection.execute(text("SELECT * FROM event ORDER BY seq")).mappings().all()
    return dict(agreement), [{k: v for k, v in e.items() if k != "id"} for e in events]


def _next_alert_times(engine: Engine) -> tuple[datetime | None, datetime | None]:
    """The stored next alert time, and the one a full replay of the stored history gives."""
    with Session(engine) as session:
        row = session.exec(select(AgreementRow)).one()
        assert row.id is not None
        store = AgreementStore(session)
        agreement = load_agreement(store, row.id)
        return _utc(row.next_alert_at), _utc(next_alert_at(store, agreement, NOW))


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite gives back naive UTC times.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def test_nothing_of_a_refused_import_is_kept(database_url: str) -> None:
    engine = open_database(database_url)
    service = build_service(engine, frozenset({ADMIN}))
    caller = Caller(ADMIN, CHANNEL, "test", NOW)
    service.bootstrap(caller)
    refused = service.import_history(
        "s3-eligible on 2026-01-02\ndemand 1000 on 2026-01-03\ndemand 10 on 2026-01-04\n", caller
    )
    assert refused.data["line"] == 3
    # As many events as the refused import held before its refusal, but other ones.
    for line in ("s3-eligible on 2026-01-02", "suspend on 2026-01-05"):
        assert service.handle(line, caller).ok
    _assert_answers_equal(service, build_service(engine, frozenset({ADMIN})), caller)
    engine.dispose()


def test_each_line_is_judged_with_the_role_the_lines_before_it_leave(database_url: str) -> None:
    engine = open_database(database_url)
    service = build_service(engine, frozenset({ADMIN}))
    service.bootstrap(Caller(ADMIN, CHANNEL, "test", NOW))
    assert service.handle("grant <@UCOUNSEL> admin", Caller(ADMIN, CHANNEL, "test", NOW)).ok
    counsel = Caller("UCOUNSEL", CHANNEL, "test", NOW)
    refused = service.import_history(
        "s3-eligible on 2026-01-05\ngrant <@UCOUNSEL> editor\nremind at 08:30\n", counsel
    )
    assert (refused.data["line"], refused.data["error"]) == (3, "only an admin may use `remind at`")
    assert _stored(engine)[1] == []
    engine.dispose()
