"""PostgreSQL under concurrency: writers on one agreement; throughput, p50/p99, and the caps.

    .venv/bin/python bench/pg_writers.py [--writers 50] [--commands 20]

A throwaway database on 127.0.0.1:5432 (dropped at the end) holds one nstor-2002 agreement.
`--writers` threads in this process, each with the service as `regrights serve` builds it
(one engine: its pool and connection gate), send `--commands` commands each to that one
agreement: Allowed Delays of random lengths from random dates, and one in five an extension;
most are refused by §2(d), as they should be. Latency is one `service.handle` call, from parse
to commit. At the end every recorded delay is checked against both caps by brute force over
every 12-month window: "caps broken" must be 0.
"""

from __future__ import annotations

import argparse
import random
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import benchlib
from benchlib import ms, percentile
from dateutil.relativedelta import relativedelta
from sqlalchemy import create_engine, text

from bot.wiring import build_service, open_database
from domain.rules.allowed_delay import Delay
from domain.rules.registration import replay
from domain.services.agreement import Caller, terms_from_snapshot
from domain.services.service import RegRightsService

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--commands", type=int, default=20, help="commands per writer")
    args = parser.parse_args()

    benchlib.header("bench/pg_writers: concurrent writers on one agreement, PostgreSQL")
    name = f"regrights_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        print(f"server: {connection.execute(text('SHOW server_version')).scalar_one()}")
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        broken = run(f"postgresql://postgres@127.0.0.1:5432/{name}", args.writers, args.commands)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    if broken:
        raise SystemExit(1)


def run(url: str, writers: int, commands: int) -> int:
    engine = open_database(url)
    service = build_service(engine, frozenset({"UADMIN"}))
    now = datetime(2030, 1, 2, 15, tzinfo=UTC)
    service.bootstrap(Caller("UADMIN", "CBENCH", "bench", now))
    # A registration on file, so that the delays have something to delay (§2(d)).
    seeded = service.handle("filed on 2025-12-01", Caller("UADMIN", "CBENCH", "bench", now))
    if not seeded.ok:
        raise RuntimeError(f"seeding the filing failed: {seeded.text}")
    latencies: list[float] = []
    outcomes = {"ok": 0, "refused": 0}
    lock = threading.Lock()
    origin = date(2026, 1, 1)

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        caller = Caller("UADMIN", "CBENCH", "bench", now)
        for _ in range(commands):
            if rng.random() < 0.2:
                command = f"delay extend {rng.randint(1, 40)}"
            else:
                start = origin + timedelta(days=rng.randint(0, 1400))
                command = f"delay {rng.randint(1, 90)} from {start}"
            began = time.perf_counter()
            reply = service.handle(command, caller)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                outcomes["ok" if reply.ok else "refused"] += 1

    wall = benchlib.run_together(writers, writer)

    delays = standing_delays(service)
    broken = caps_broken(delays)
    total = len(latencies)
    print(f"writers: {writers}, commands: {total}, wall: {wall:.2f} s")
    print(f"throughput: {total / wall:.0f} commands/s")
    print(
        f"latency p50: {ms(percentile(latencies, 50))}, p99: {ms(percentile(latencies, 99))}, "
        f"max: {ms(max(latencies))}"
    )
    print(
        f"recorded: {outcomes['ok']}, refused: {outcomes['refused']}, "
        f"delays standing: {len(delays)}"
    )
    print(f"caps broken: {broken}")
    engine.dispose()
    return broken


def standing_delays(service: RegRightsService) -> list[Delay]:
    with service.uow.read() as store:
        binding = store.binding("CBENCH")
        assert binding is not None
        row = store.agreement(binding.agreement_id)
        state = replay(store.events(binding.agreement_id), terms_from_snapshot(row.profile_yaml))
    return [record.delay for record in state.delays]


def caps_broken(delays: list[Delay]) -> int:
    """12-month windows (any first day) holding over 90 delay days or over one delay start."""
    days = sorted({d.start + timedelta(days=i) for d in delays for i in range(d.days)})
    starts = sorted(d.start for d in delays)
    broken = 0
    if not days:
        return 0
    window = days[0] - timedelta(days=366)
    while window <= days[-1]:
        end = window + relativedelta(months=12)
        if (
            sum(1 for x in days if window <= x < end) > 90
            or sum(1 for s in starts if window <= s < end) > 1
        ):
            broken += 1
        window += timedelta(days=1)
    return broken


if __name__ == "__main__":
    main()
