"""Cost as a history grows: `status` and a write in-process, and a write through `regrights
serve` to its announcement, at 100, 1,000 and 10,000 events, on SQLite and PostgreSQL.

    .venv/bin/python bench/history.py [--sizes 100,1000,10000] [--rounds 20]
                                      [--backends sqlite,postgres] [--no-serve]

For each backend and size, a fresh database gets one agreement bound to a channel. The record
of `histories.py` (a busy agreement over the years) is written to a file and recorded by
`regrights import`, run as a whole process and timed ("built in").

- In-process: a new service, as after a start. Its first `status` replays the history once
  ("first status after start"). Then `--rounds` rounds of a write (`piggyback-notice` and
  `undo` in turn, so the history keeps growing while its state stays put) and the first
  `status` after it. Median of each.
- serve: `regrights serve` over HTTP on the same database, against a Slack stand-in on
  127.0.0.1. A warm-up `status` (serve's one replay), then `--rounds` signed `/regrights`
  writes, as above, one at a time: from the request to the announcement's chat.postMessage
  arriving at the stand-in. Median, and serve's peak resident memory (VmHWM) at the end.

PostgreSQL needs the server on 127.0.0.1:5432 (trust, user postgres); each database is
created for the run and dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import benchlib
import histories
from benchlib import REGRIGHTS, SlackStandIn
from sqlalchemy import create_engine, text

from bot.wiring import build_service, open_database
from domain.services.agreement import Caller

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHANNEL, USER = "CBENCH", "UADMIN"
WRITES = ("piggyback-notice", "undo")


@contextlib.contextmanager
def database(backend: str, work: Path, size: int) -> Iterator[str]:
    """A fresh, empty database's URL; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{work / f'history-{size}.sqlite3'}"
        return
    name = f"regrights_history_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def build(url: str, size: int, work: Path) -> float:
    """Sets up the agreement bound to CHANNEL, then records a history of `size` events with
    `regrights import`; returns the seconds the import took, from launch to exit."""
    engine = open_database(url)
    now = datetime.now(UTC)
    build_service(engine, frozenset({USER})).bootstrap(Caller(USER, CHANNEL, "bench", now))
    engine.dispose()
    record = work / f"record-{size}.txt"
    record.write_text("".join(f"{line}\n" for line in histories.record_of(size, now.date())))
    env = benchlib.unset_env()
    env["REGRIGHTS_DATABASE_URL"] = url
    command = [str(REGRIGHTS), "import", "--channel", CHANNEL, "--user", USER, "--json"]
    began = time.perf_counter()
    done = subprocess.run([*command, str(record)], env=env, capture_output=True, timeout=600)
    took = time.perf_counter() - began
    if done.returncode != 0 or json.loads(done.stdout).get("recorded") != size:
        raise RuntimeError(f"regrights import failed: {(done.stdout + done.stderr).decode()[:500]}")
    return took


def in_process(url: str, rounds: int) -> tuple[float, list[float], list[float]]:
    """The first `status` of a new service, then each write and the `status` after it."""
    engine = open_database(url)
    service = build_service(engine, frozenset({USER}))

    def timed(command: str) -> float:
        began = time.perf_counter()
        reply = service.handle(command, Caller(USER, CHANNEL, "bench", datetime.now(UTC)))
        took = time.perf_counter() - began
        if not reply.ok:
            raise RuntimeError(f"`{command}` failed: {reply.data}")
        return took

    first = timed("status")
    writes, statuses = [], []
    for turn in range(rounds):
        writes.append(timed(WRITES[turn % 2]))
        statuses.append(timed("status"))
    engine.dispose()
    return first, writes, statuses


def through_serve(url: str, rounds: int, work: Path) -> tuple[list[float], float]:
    """Each write from its signed request to its announcement; serve's VmHWM at the end."""
    port = benchlib.free_port()
    with SlackStandIn() as standin:
        env = benchlib.serve_env(standin, work / "unused.sqlite3", port)
        env["REGRIGHTS_DATABASE_URL"] = url
        with benchlib.running([str(REGRIGHTS), "serve"], env, work / "serve.log") as serve:
            benchlib.wait_healthy(port, serve, timeout=120)
            response_url, arrival = standin.new_response_url()
            # The warm-up: serve's one replay of the history. Its answer comes in the ack when
            # it is ready in time, else at the response_url.
            _, ack = benchlib.signed_slash(port, "status", response_url, channel=CHANNEL, user=USER)
            if not ack:
                arrival.event.wait(60)
            times = []
            for turn in range(rounds):
                index = standin.posts()
                response_url, _ = standin.new_response_url()
                began = time.perf_counter()
                status, body = benchlib.signed_slash(
                    port, WRITES[turn % 2], response_url, channel=CHANNEL, user=USER
                )
                if status != 200 or not (b"Recorded #" in body or b"recorded as #" in body):
                    raise RuntimeError(f"serve answered {status}: {body[:200]!r}")
                arrived, _ = standin.wait_post(index, timeout=30)
                times.append(arrived - began)
            return times, benchlib.peak_rss_mib(serve.pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--no-serve", action="store_true", help="only the in-process figures, without serve"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    benchlib.header("bench/history: cost as the history grows")
    print(
        "| events | backend | built in | first status after start | in-process status "
        "| in-process write | serve write -> announcement | serve VmHWM |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="regrights-history-") as tmp:
        work = Path(tmp)
        for backend in args.backends.split(","):
            for size in sizes:
                with database(backend, work, size) as url:
                    built = build(url, size, work)
                    first, writes, statuses = in_process(url, args.rounds)
                    if args.no_serve:
                        serve_columns = "| — | — |"
                    else:
                        served, peak = through_serve(url, args.rounds, work)
                        serve_columns = (
                            f"| {benchlib.ms(statistics.median(served))} | {peak:.1f} MiB |"
                        )
                print(
                    f"| {size:,} | {backend} | {built:.1f} s | {benchlib.ms(first)} "
                    f"| {benchlib.ms(statistics.median(statuses))} "
                    f"| {benchlib.ms(statistics.median(writes))} {serve_columns}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
