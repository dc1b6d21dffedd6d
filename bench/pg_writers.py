"""PostgreSQL under concurrency: 50 writers on one agreement; throughput, p99, and the caps.

    .venv/bin/python bench/pg_writers.py [--writers 50] [--commands 20]

Each writer records Allowed Delays of random lengths from random past dates, with the odd
extension; most are refused by §2(d). At the end every recorded delay is checked against
both caps by brute force over every 12-month window.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.runtime import build_service, open_database
from domain.service import Caller

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--commands", type=int, default=20, help="commands per writer")
    args = parser.parse_args()

    name = f"regrights_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(f"postgresql://postgres@127.0.0.1:5432/{name}", args.writers, args.commands)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def run(url: str, writers: int, commands: int) -> None:
    engine = open_database(url)
    service = build_service(engine, frozenset({"UADMIN"}))
    now = datetime(2030, 1, 2, 15, tzinfo=UTC)
    service.bootstrap(Caller("UADMIN", "CBENCH", "bench", now))
    latencies: list[float] = []
    outcomes = {"ok": 0, "refused": 0}
    lock = threading.Lock()
    origin = date(2026, 1, 1)

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        caller = Caller("UADMIN", "CBENCH", "bench", now)
        for _ in range(commands):
            if rng.random() < 0.2:
                text_ = f"delay extend {rng.randint(1, 40)}"
            else:
                start = origin + timedelta(days=rng.randint(0, 1400))
                text_ = f"delay {rng.randint(1, 90)} from {start}"
            began = time.perf_counter()
            reply = service.handle(text_, caller)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                outcomes["ok" if reply.ok else "refused"] += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began

    delays = [d.delay for d in service_state(service, now).delays]
    broken = caps_broken(delays)
    latencies.sort()
    total = len(latencies)
    print(f"writers: {writers}, commands: {total}, wall: {wall:.2f} s")
    print(f"throughput: {total / wall:.0f} commands/s")
    print(
        f"latency p50: {statistics.median(latencies) * 1000:.1f} ms, p99: {latencies[int(total * 0.99) - 1] * 1000:.1f} ms"
    )
    print(
        f"recorded: {outcomes['ok']}, refused: {outcomes['refused']}, delays standing: {len(delays)}"
    )
    print(f"caps broken: {broken}")
    engine.dispose()
    if broken:
        raise SystemExit(1)


def service_state(service, now):  # type: ignore[no-untyped-def]
    from domain.registration import replay

    with service.uow.read() as store:
        binding = store.binding("CBENCH")
        agreement = service._load(store, binding.agreement_id)
        return replay(agreement.events, agreement.terms)


def caps_broken(delays) -> int:  # type: ignore[no-untyped-def]
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
