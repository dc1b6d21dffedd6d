"""Writes to one agreement are serialised: concurrent writers never break a cap together."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from conftest import REGRIGHTS
from sqlalchemy import func
from sqlmodel import Session, select

from bot.failures import BUSY
from bot.wiring import build_service, open_database
from domain.services.service import Caller
from domain.store.schema import EVENT
from domain.store.tables import AgreementRow


def _delays(url: str) -> int:
    engine = open_database(url)
    with Session(engine) as session:
        count = session.exec(
            select(func.count()).select_from(EVENT).where(EVENT.c.kind == "delay")
        ).one()
    engine.dispose()
    return count


def test_twenty_threads_record_exactly_one_delay(database_url: str) -> None:
    engine = open_database(database_url)
    service = build_service(engine, frozenset({"U1"}))
    caller = Caller("U1", "C1", "test", datetime(2026, 11, 25, 15, tzinfo=UTC))
    service.bootstrap(caller)
    assert service.handle("filed on 2026-11-02", caller).ok  # something to delay (§2(d))
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: service.handle("delay 30", caller), range(20)))
    assert sum(r.ok for r in replies) == 1
    assert all(r.data["section"] == "2(d)" for r in replies if not r.ok)
    engine.dispose()
    assert _delays(database_url) == 1


def test_twenty_processes_on_an_empty_postgres_database_record_exactly_one_delay(
    postgres_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "REGRIGHTS_DATABASE_URL": postgres_url, "REGRIGHTS_ADMINS": ""}
    # A filing, then the delay (§2(d) wants something to delay), each process all or nothing.
    history = tmp_path / "filed-and-delayed.txt"
    history.write_text("filed\ndelay 30\n")
    processes = [
        subprocess.Popen(
            [REGRIGHTS, "import", "--json", str(history)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(20)
    ]
    codes = [p.wait(timeout=120) for p in processes]
    outputs = [p.stdout.read() for p in processes if p.stdout]
    # One records; the others are refused, or, kept waiting behind the others past the 10 s
    # every database wait is given (SPEC §16), told the database is busy, recording nothing.
    assert codes.count(0) == 1, outputs
    assert set(codes) <= {0, 1, 3}, outputs
    busy = [out for code, out in zip(codes, outputs, strict=True) if code == 3]
    assert all(json.loads(out)["error"] == BUSY for out in busy), busy
    assert _delays(postgres_url) == 1
    engine = open_database(postgres_url)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AgreementRow)).one() == 1
    engine.dispose()
