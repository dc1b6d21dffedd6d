"""The alert pass at scale: 1k, 10k and 100k stored agreements, about 1% of them due.

    .venv/bin/python bench/alerts.py [--sizes 1000,10000,100000] [--due-share 0.01]
                                     [--repeat 3] [--postgres] [--real]

One database (a SQLite file, or with --postgres a throwaway database on 127.0.0.1:5432) grows
through the sizes. Agreements are copied in bulk (SQLAlchemy core) from a template made through
the service: the nstor-2002 profile snapshot, a history of five events (a delay during an
earlier demand, since withdrawn, and a demand whose holder-notice clock is running) and a channel binding; each not-due agreement
also carries two alert rows already posted. About `--due-share` of the agreements have their
`next_alert_at` a few minutes ago; the others, some time in the next 30 days.

At each size it times `run_alert_pass(engine, poster, now, dry_run=True)` (best and median of
`--repeat` passes) and checks that the dry run planned the due alerts: one or more per due
agreement, each with its message composed. With --real it then runs one real pass (claims,
posts to an in-memory poster, settles, reschedules) and a second one that must post nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import benchlib
from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlmodel import col

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.poster import AlertMessage
from bot.alerts.report import PassReport
from bot.wiring import build_service, open_database
from domain.services.agreement import Caller
from domain.store.schema import metadata
from domain.store.tables import AgreementRow

# The tables as SQLAlchemy core sees them, for bulk inserts.
AGREEMENT, BINDING, EVENT, ALERT = (
    metadata.tables[name] for name in ("agreement", "channel_binding", "event", "alert")
)

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH = 5000


class MemoryPoster:
    """Takes every post, as a Slack that never fails would."""

    def __init__(self) -> None:
        self.posted: dict[tuple[str, str], str] = {}

    def post(self, channel: str, message: AlertMessage) -> str:
        ts = f"{len(self.posted) + 1}.000100"
        self.posted[(channel, message.key)] = ts
        return ts

    def find(self, channel: str, key: str, since: datetime) -> str | None:
        return self.posted.get((channel, key))


def template(url: str, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An agreement made through the service: its row and its event rows, as plain dicts."""
    engine = open_database(url)
    service = build_service(engine, frozenset({"UADMIN"}))
    caller = Caller("UADMIN", "CTEMPLATE", "bench", now)
    service.bootstrap(caller)
    today = now.date()
    for command in (
        f"s3-eligible on {today - timedelta(days=400)}",
        # An Allowed Delay needs a registration to delay (§2(d)): an earlier demand, withdrawn.
        f"demand 1000000 on {today - timedelta(days=301)}",
        f"delay 20 from {today - timedelta(days=300)} reason iii",
        f"withdrawn misstatement on {today - timedelta(days=290)}",
        f"demand 1000000 on {today - timedelta(days=4)}",
    ):
        reply = service.handle(command, caller)
        assert reply.ok, reply.text
    with engine.connect() as connection:
        agreement = dict(connection.execute(select(AGREEMENT)).mappings().one())
        events = [dict(r) for r in connection.execute(select(EVENT)).mappings()]
        connection.execute(text("DELETE FROM channel_binding"))
        connection.execute(text("DELETE FROM event"))
        connection.execute(text("DELETE FROM agreement"))
        connection.commit()
    engine.dispose()
    return agreement, events


def grow(
    engine: Engine,
    start: int,
    stop: int,
    due_share: float,
    now: datetime,
    agreement: dict[str, Any],
    events: list[dict[str, Any]],
    rng: random.Random,
) -> int:
    """Add agreements start+1 … stop, `due_share` of them due; returns how many are due."""
    due_ids = set(rng.sample(range(start + 1, stop + 1), round((stop - start) * due_share)))
    for low in range(start + 1, stop + 1, BATCH):
        ids = range(low, min(low + BATCH, stop + 1))
        agreements, bindings, event_rows, alert_rows = [], [], [], []
        for agreement_id in ids:
            due = agreement_id in due_ids
            next_at = (
                now - timedelta(minutes=rng.randint(1, 30))
                if due
                else now + timedelta(minutes=rng.randint(60, 30 * 24 * 60))
            )
            agreements.append({**agreement, "id": agreement_id, "next_alert_at": next_at})
            channel = f"C{agreement_id:08d}"
            bindings.append(
                {
                    "channel_id": channel,
                    "agreement_id": agreement_id,
                    "bound_by": "UADMIN",
                    "bound_at": agreement["created_at"],
                }
            )
            event_rows += [{**e, "id": None, "agreement_id": agreement_id} for e in events]
            if not due:
                alert_rows += [
                    {
                        "agreement_id": agreement_id,
                        "deadline_key": "effectiveness:2024-01-01",
                        "slot_key": f"2024-06-28@{offset:+d}",
                        "channel_id": channel,
                        "slot_at": datetime(2024, 6, 28, 13, tzinfo=UTC) + timedelta(days=offset),
                        "state": "posted",
                        "ts": "1719579600.000100",
                        "attempts": 1,
                        "last_error": None,
                        "claimed_at": datetime(2024, 6, 28, 13, tzinfo=UTC)
                        + timedelta(days=offset),
                        "settled_at": datetime(2024, 6, 28, 13, tzinfo=UTC)
                        + timedelta(days=offset),
                    }
                    for offset in (-3, -1)
                ]
        for row in event_rows:
            row.pop("id")
        with engine.begin() as connection:
            connection.execute(insert(AGREEMENT), agreements)
            connection.execute(insert(BINDING), bindings)
            connection.execute(insert(EVENT), event_rows)
            if alert_rows:
                connection.execute(insert(ALERT), alert_rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(
                text("SELECT setval('agreement_id_seq', (SELECT max(id) FROM agreement))")
            )
            connection.execute(text("ANALYZE"))
    return len(due_ids)


def check(report: PassReport, due_agreements: int) -> str:
    planned = {o.agreement_id for o in report.would_post}
    if len(planned) != due_agreements or any(not o.text for o in report.would_post):
        return f"WRONG: {len(planned)} agreements planned, {due_agreements} due"
    return "ok"


def measure(engine: Engine, now: datetime, size: int, due: int, repeat: int, real: bool) -> None:
    times: list[float] = []
    report: PassReport | None = None
    for _ in range(repeat):
        began = time.perf_counter()
        report = run_alert_pass(engine, MemoryPoster(), now, dry_run=True)
        times.append(time.perf_counter() - began)
    assert report is not None
    alerts = len(report.would_post)
    best, median = min(times), statistics.median(times)
    print(
        f"{size:>7,} agreements, {due:>5,} due, {alerts:>5,} alerts: dry-run pass "
        f"best {best * 1000:8.1f} ms, median {median * 1000:8.1f} ms; "
        f"per due alert {best / max(alerts, 1) * 1e6:6.0f} µs; check {check(report, due)}"
    )
    if real:
        poster = MemoryPoster()
        began = time.perf_counter()
        first = run_alert_pass(engine, poster, now)
        first_time = time.perf_counter() - began
        began = time.perf_counter()
        second = run_alert_pass(engine, poster, now)
        second_time = time.perf_counter() - began
        print(
            f"{'':>7} real pass: posted {len(first.posted):,} in {first_time * 1000:.1f} ms "
            f"({first_time / max(len(first.posted), 1) * 1e6:.0f} µs per alert); "
            f"second pass posted {len(second.posted)} in {second_time * 1000:.1f} ms"
        )
        if second.posted or len(first.posted) != alerts:
            print(f"{'':>7} WRONG: expected {alerts} posts, then none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated, ascending")
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3, help="dry-run passes timed per size")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    parser.add_argument(
        "--real", action="store_true", help="also one real pass (in-memory poster), then another"
    )
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    benchlib.header("bench/alerts: the alert pass over many agreements")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="regrights-alerts-") as tmp:
        name = f"regrights_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT") if args.postgres else None
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        else:
            url = f"sqlite:///{Path(tmp) / 'alerts.sqlite3'}"
        try:
            agreement, events = template(url, now)
            engine = open_database(url)
            print(f"database: {engine.dialect.name}; now: {now.isoformat()}")
            stored = 0
            due = 0
            for size in sizes:
                began = time.perf_counter()
                if args.real:
                    # What a real pass settled is due no more: keep the due share as set.
                    with engine.connect() as connection:
                        due = connection.execute(
                            select(func.count()).where(col(AgreementRow.next_alert_at) <= now)
                        ).scalar_one()
                due += grow(engine, stored, size, args.due_share, now, agreement, events, rng)
                stored = size
                print(f"(built {size:,} agreements in {time.perf_counter() - began:.1f} s)")
                measure(engine, now, size, due, args.repeat, args.real)
            engine.dispose()
        finally:
            if admin is not None:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
