"""The audit trail on SQLite and PostgreSQL: the chain written with each event, the migration
that chains a history recorded before it, `verify` naming the first altered, missing or
inserted row, and `export` round-tripping every event."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from conftest import ADMIN, CHANNEL, EDITOR, READER, Desk, cli_env
from in_process import regrights
from sqlalchemy import Engine, text

from domain.rules.audit_chain import Break, event_hash, genesis
from domain.rules.calendar import Delivery
from domain.rules.events import Event, EventKind, Facts, TerminationGround
from domain.services.audit import AuditDesk
from domain.store.migrate import _config, current_revision, head_revision
from domain.store.unit_of_work import UnitOfWork

# (the day it is recorded, the command, who)
HISTORY = [
    (date(2026, 1, 5), "s3-eligible on 2026-01-05", ADMIN),
    (date(2026, 2, 3), "demand 250000 on 2026-02-02 by mail", EDITOR),
    (date(2026, 2, 9), "holders-notified by mail", EDITOR),
    (date(2026, 2, 10), "filing-planned 2026-04-15", EDITOR),
    (date(2026, 3, 2), "requested-info-sent", EDITOR),
    (date(2026, 3, 16), "filed", ADMIN),
    (date(2026, 3, 20), "delay 20 reason iii", EDITOR),
    (date(2026, 3, 21), "delay extend 5", EDITOR),
    (date(2026, 3, 23), "piggyback-notice", ADMIN),
    (date(2026, 3, 23), "undo", ADMIN),
    (date(2026, 3, 24), "terminated rule144", ADMIN),
]


@pytest.fixture
def recorded(desk: Desk) -> Desk:
    for today, line, user in HISTORY:
        desk.today = today
        desk.ok(line, user)
    return desk


def _audit(desk: Desk) -> AuditDesk:
    return AuditDesk(desk.service.uow, desk.service.admins)


def _verify(desk: Desk) -> Any:
    return _audit(desk).verify(desk.caller())


def _sql(engine: Engine, statement: str, **params: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def _engine(desk: Desk) -> Engine:
    return desk.service.uow.engine


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_an_untouched_history_verifies(recorded: Desk) -> None:
    check = _verify(recorded)
    assert check.broken is None
    assert check.events == len(HISTORY)  # the undo is an event of its own
    assert check.head is not None


def test_an_edited_row_is_named(recorded: Desk) -> None:
    _sql(_engine(recorded), "UPDATE event SET shares = 999999 WHERE seq = 2")
    broken = _verify(recorded).broken
    assert (broken.how, broken.seq) == (Break.ALTERED, 2)
    assert "event #2 (demand on 2026-02-02) was altered" in broken.detail


@pytest.mark.parametrize(
    "column, value",
    [("actor", "UMALLORY"), ("source", "slack:CELSEWHERE"), ("reason", "i"), ("on", "2026-03-21")],
)
def test_any_field_edited_is_named(recorded: Desk, column: str, value: str) -> None:
    _sql(_engine(recorded), f'UPDATE event SET "{column}" = :value WHERE seq = 7', value=value)
    broken = _verify(recorded).broken
    assert (broken.how, broken.seq) == (Break.ALTERED, 7)


def test_a_deleted_row_is_named(recorded: Desk) -> None:
    _sql(_engine(recorded), "DELETE FROM event WHERE seq = 4")
    broken = _verify(recorded).broken
    assert (broken.how, broken.seq) == (Break.MISSING, 4)
    assert "event #4 is missing" in broken.detail


def test_the_last_row_deleted_is_named(recorded: Desk) -> None:
    last = len(HISTORY)
    _sql(_engine(recorded), "DELETE FROM event WHERE seq = :seq", seq=last)
    broken = _verify(recorded).broken
    assert (broken.how, broken.seq) == (Break.MISSING, last)


@pytest.mark.parametrize("forged_hash", [None, "0" * 64])
def test_an_inserted_row_is_named(recorded: Desk, forged_hash: str | None) -> None:
    seq = len(HISTORY) + 1
    _sql(
        _engine(recorded),
        'INSERT INTO event (agreement_id, seq, kind, "on", effective_on, days, actor, source, '
        "recorded_at, chain_hash) SELECT agreement_id, :seq, 'delay-end', '2026-03-25', "
        "'2026-03-25', NULL, :actor, 'slack:CDEALS', recorded_at, :hash FROM event WHERE seq = 1",
        seq=seq,
        actor=ADMIN,
        hash=forged_hash,
    )
    broken = _verify(recorded).broken
    assert (broken.how, broken.seq) == (Break.INSERTED, seq)
    assert f"event #{seq} (delay-end on 2026-03-25) was not recorded by regrights" in broken.detail


def test_a_row_inserted_by_renumbering_is_named(recorded: Desk) -> None:
    engine = _engine(recorded)
    last = len(HISTORY)
    # Make room at #5 the way a hand edit would, moving the later rows up one.
    for seq in range(last, 4, -1):
        _sql(engine, "UPDATE event SET seq = :new WHERE seq = :old", new=seq + 1, old=seq)
    _sql(
        engine,
        'INSERT INTO event (agreement_id, seq, kind, "on", effective_on, actor, source, '
        "recorded_at, chain_hash) SELECT agreement_id, 5, 'effective', '2026-03-17', "
        "'2026-03-17', actor, source, recorded_at, chain_hash FROM event WHERE seq = 4",
    )
    broken = _verify(recorded).broken
    assert (broken.how, broken.seq) == (Break.INSERTED, 5)
    assert "event #5 (effective on 2026-03-17) was not recorded by regrights" in broken.detail


def test_verify_from_the_shell_names_the_row_and_exits_1(recorded: Desk) -> None:
    env = cli_env(_url(_engine(recorded)))
    args = ["verify", "--channel", CHANNEL]
    done = regrights(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert f"intact: {len(HISTORY)} events" in done.stdout
    _sql(_engine(recorded), "UPDATE event SET days = 90 WHERE seq = 7")
    done = regrights(*args, "--json", env=env)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert (report["ok"], report["how"], report["seq"]) == (False, "altered", 7)
    assert "event #7 (delay on 2026-03-20) was altered" in report["error"]


def test_the_migration_chains_a_history_recorded_before_it(recorded: Desk) -> None:
    engine = _engine(recorded)
    with engine.connect() as connection:
        written = connection.execute(text("SELECT seq, chain_hash FROM event ORDER BY seq")).all()
    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert current_revision(engine) == "0002"
    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        migrated = connection.execute(text("SELECT seq, chain_hash FROM event ORDER BY seq")).all()
    assert migrated == written
    assert _verify(recorded).broken is None


# ------------------------------------------------------------------------- export


def _export(desk: Desk, fmt: str, user: str = "console") -> str:
    env = cli_env(_url(_engine(desk)))
    done = regrights("export", "--channel", CHANNEL, "--user", user, "--format", fmt, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _from_export(row: dict[str, Any]) -> Event:
    """An exported row read back as the event it records ("" and null alike are absent)."""

    def get(name: str) -> Any:
        value = row[name]
        return None if value in ("", None) else value

    def day(name: str) -> date | None:
        return date.fromisoformat(get(name)) if get(name) else None

    def number(name: str) -> int | None:
        return int(get(name)) if get(name) is not None else None

    recorded_at = datetime.fromisoformat(row["recorded_at"])
    assert recorded_at.utcoffset() is not None
    return Event(
        seq=int(row["seq"]),
        kind=EventKind(row["kind"]),
        on=date.fromisoformat(row["on"]),
        effective_on=date.fromisoformat(row["effective_on"]),
        facts=Facts(
            delivery=Delivery(get("delivery")) if get("delivery") else None,
            shares=number("shares"),
            days=number("days"),
            reason=get("reason"),
            ground=TerminationGround(get("ground")) if get("ground") else None,
            planned_filing=day("planned_filing"),
            retracts=number("retracts"),
        ),
        actor=row["actor"],
        source=row["source"],
        recorded_at=recorded_at.astimezone(UTC),
    )


def _stored(desk: Desk) -> list[Event]:
    with UnitOfWork(_engine(desk)).read() as store:
        agreement_id = store.binding(CHANNEL).agreement_id  # type: ignore[union-attr]
        return [c.event for c in store.chained_events(agreement_id)]


def _same(exported: Event, stored: Event) -> None:
    assert stored.recorded_at is not None and exported.recorded_at is not None
    moment = stored.recorded_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    assert exported == Event(**{**stored.__dict__, "recorded_at": moment})


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_round_trips_every_event_and_its_chain(recorded: Desk, fmt: str) -> None:
    out = _export(recorded, fmt)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
    else:
        document = json.loads(out)
        assert document["timezone"] == "America/New_York"
        rows = document["events"]
    events = [_from_export(row) for row in rows]
    stored = _stored(recorded)
    assert len(events) == len(stored) == len(HISTORY)
    for exported, original in zip(events, stored, strict=True):
        _same(exported, original)
    # The exported content alone re-computes the chain the database holds.
    with UnitOfWork(_engine(recorded)).read() as store:
        agreement_id = store.binding(CHANNEL).agreement_id  # type: ignore[union-attr]
        digest = store.agreement(agreement_id).terms_digest
    if fmt == "json":
        assert document["terms_digest"] == digest
    previous = genesis(agreement_id, digest)
    for row, event in zip(rows, events, strict=True):
        previous = event_hash(event, previous)
        assert row["chain_hash"] == previous
    # Who, when (New York time: -04:00 or -05:00), from where, and the retraction both ways.
    undo = next(r for r in rows if r["kind"] == "undo")
    undone = next(r for r in rows if str(r["seq"]) == str(undo["retracts"]))
    assert undone["kind"] == "piggyback-notice" and str(undone["retracted_by"]) == str(undo["seq"])
    assert {r["actor"] for r in rows} == {ADMIN, EDITOR}
    assert {r["source"] for r in rows} == {f"test:{CHANNEL}"}
    assert all(r["recorded_at"].endswith(("-04:00", "-05:00")) for r in rows)


def test_a_reader_exports_no_reason(recorded: Desk) -> None:
    reader_export = json.loads(_export(recorded, "json", user=READER))
    insider_export = json.loads(_export(recorded, "json", user=EDITOR))
    # From the shell, a local user is an admin only when REGRIGHTS_ADMINS is unset; here
    # it is unset, so every user is an admin: the reason shows for both.
    assert insider_export["reasons_shown"] and reader_export["reasons_shown"]
    trail = _audit(recorded).trail(recorded.caller(READER))
    assert not trail.reasons_shown
    assert all(r.reason is None for r in trail.records)
    assert "iii" in {r.reason for r in _audit(recorded).trail(recorded.caller(EDITOR)).records}


def test_concurrent_writers_keep_one_unbroken_chain(recorded: Desk) -> None:
    # Piggyback notices may pile up, so every one of these writes is accepted.
    recorded.today = date(2026, 3, 25)
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: recorded.say("piggyback-notice", EDITOR), range(16)))
    assert all(reply.ok for reply in replies)
    check = _verify(recorded)
    assert check.broken is None and check.events == len(HISTORY) + 16


def _verify_against(desk: Desk, export: Path) -> tuple[int, dict[str, Any]]:
    env = cli_env(_url(_engine(desk)))
    done = regrights("verify", "--channel", CHANNEL, "--json", "--against", str(export), env=env)
    return done.returncode, json.loads(done.stdout)


def test_a_history_trimmed_at_its_end_is_caught_against_an_earlier_export(
    recorded: Desk, tmp_path: Path
) -> None:
    export = tmp_path / "export.json"
    export.write_text(_export(recorded, "json"))
    assert _verify_against(recorded, export) == (0, _verify_json(recorded))
    last = len(HISTORY)
    # The last event deleted, and the agreement's latest hash set back to the one before it:
    # the chain holds by itself.
    engine = _engine(recorded)
    _sql(engine, "DELETE FROM event WHERE seq = :seq", seq=last)
    _sql(
        engine,
        "UPDATE agreement SET chain_head = (SELECT chain_hash FROM event WHERE seq = :seq)",
        seq=last - 1,
    )
    assert _verify(recorded).broken is None
    code, report = _verify_against(recorded, export)
    assert (code, report["ok"], report["how"], report["seq"]) == (1, False, "missing", last)
    assert (
        f"event #{last} (terminated on 2026-03-24), in the earlier export, is missing: the "
        "history was trimmed at its end" == report["error"]
    )
    # Every event deleted, and the latest hash with them.
    _sql(engine, "DELETE FROM event")
    _sql(engine, "UPDATE agreement SET chain_head = NULL")
    code, report = _verify_against(recorded, export)
    assert (code, report["how"], report["seq"]) == (1, "missing", 1)


def test_an_export_of_another_agreement_or_no_export_is_refused(
    recorded: Desk, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"agreement": "acme-2024", "events": []}))
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]")
    env = cli_env(_url(_engine(recorded)))
    for path, said in [(other, "is an export of acme-2024"), (junk, "is not an export")]:
        done = regrights("verify", "--channel", CHANNEL, "--against", str(path), env=env)
        assert done.returncode == 2
        (line,) = done.stderr.splitlines()
        assert said in line


def _verify_json(desk: Desk) -> dict[str, Any]:
    env = cli_env(_url(_engine(desk)))
    done = regrights("verify", "--channel", CHANNEL, "--json", env=env)
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_verify_runs_sqlites_integrity_check(sqlite_url: str) -> None:
    env = cli_env(sqlite_url)
    for words in (["setup", "nstor-2002"], ["s3-eligible", "on", "2026-01-05"]):
        assert regrights("cmd", *words, env=env).returncode == 0
    done = regrights("verify", "--json", env=env)
    assert json.loads(done.stdout)["ok"] is True
    database = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_alert_agreement_id'"
        ).fetchone()
    with open(database, "r+b") as file:
        # One page of an index that verify's own reads never use, overwritten with garbage.
        file.seek((root - 1) * page_size)
        file.write(b"\x0d\xff" * (page_size // 2))
    done = regrights("verify", "--json", env=env)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert (report["ok"], report["how"]) == (False, "damaged")
    assert report["error"].startswith("the database file is damaged (SQLite's integrity check:")


def _cmd(desk: Desk, *words: str) -> subprocess.CompletedProcess[str]:
    env = cli_env(_url(_engine(desk)))
    return regrights("cmd", "--channel", CHANNEL, "--user", ADMIN, *words, env=env)


def _edit_terms(desk: Desk, max_days: str) -> None:
    _sql(
        _engine(desk),
        "UPDATE agreement SET profile_yaml = replace(profile_yaml, 'max_days: 90', :edited)",
        edited=f"max_days: {max_days}",
    )


@pytest.mark.parametrize("max_days", ["900", "-90", "true"])
def test_stored_terms_that_no_profile_may_hold_are_refused_when_loaded(
    desk: Desk, max_days: str
) -> None:
    desk.ok("s3-eligible on 2026-01-05")
    _edit_terms(desk, max_days)
    for words in (["status"], ["delay", "400", "reason", "iii"]):
        done = _cmd(desk, *words)
        assert done.returncode == 2, done.stdout
        (line,) = done.stderr.splitlines()
        assert "allowed_delay.max_days" in line
    assert [e.seq for e in _stored(desk)] == [1]  # nothing recorded
    # The daily pass names the break, and goes on.
    env = cli_env(_url(_engine(desk)))
    tick = regrights("tick", env=env)
    assert tick.returncode == 0, tick.stderr
    assert "stored terms were altered" in tick.stdout


def test_stored_terms_edited_within_the_limits_are_caught_and_not_used(recorded: Desk) -> None:
    assert _verify(recorded).broken is None
    _edit_terms(recorded, "300")
    broken = _verify(recorded).broken
    assert broken is not None and broken.how is Break.TERMS
    assert "stored terms were altered" in broken.detail
    done = _cmd(recorded, "undo")
    assert done.returncode == 3
    assert "stored terms were altered" in done.stderr
    assert len(_stored(recorded)) == len(HISTORY)
    # Terms and digest both edited: the chain, which starts from the digest, no longer holds.
    _sql(
        _engine(recorded),
        "UPDATE agreement SET terms_digest = :digest",
        digest=hashlib.sha256(_stored_terms(recorded).encode()).hexdigest(),
    )
    broken = _verify(recorded).broken
    assert broken is not None and (broken.how, broken.seq) == (Break.ALTERED, 1)


def _stored_terms(desk: Desk) -> str:
    with _engine(desk).connect() as connection:
        terms: str = connection.execute(text("SELECT profile_yaml FROM agreement")).scalar_one()
    return terms


def test_an_emptied_history_with_its_latest_hash_removed_is_caught(recorded: Desk) -> None:
    _sql(_engine(recorded), "DELETE FROM event")
    _sql(_engine(recorded), "UPDATE agreement SET chain_head = NULL")
    broken = _verify(recorded).broken
    assert broken is not None and (broken.how, broken.seq) == (Break.MISSING, 1)
