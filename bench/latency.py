"""Command latency: `/regrights status` through `regrights serve` beside a bare Bolt app.

    .venv/bin/python bench/latency.py [--pairs 300] [--warmup 40] [--burst 400] [--concurrency 16]
                                      [--workers 1]

Two servers run as child processes, reached over 127.0.0.1, each verifying Slack's signature
once. `regrights serve` runs its production server (`bot.http`: one WSGI app on gunicorn's own
gthread worker). The bare Bolt app is served the way Bolt documents for production: Bolt's WSGI
adapter (`slack_bolt.adapter.wsgi.SlackRequestHandler`) on gunicorn's gthread worker, with the
same thread count and settings. `regrights serve` reads a real SQLite file seeded with one
agreement and a realistic history; the bare app is Bolt alone acking a fixed text. A lean Slack
stand-in in this process takes any response_url posts.

Interleaved run: `--pairs` rounds, each sending one signed `/regrights status` to both servers
in random order, one request at a time on a new connection (as Slack connects). For each it
measures request -> HTTP response (the ack, which carries the answer), and for each server the
CPU time its processes spent per request: on a machine shared with other work, that figure
moves far less than the milliseconds do.

Burst: `--burst` status commands from `--concurrency` client threads to `regrights serve`
alone; none may fail, and the p99 must be at most 50 ms.

`--workers N` runs both servers with N gunicorn worker processes (gunicorn's own
WEB_CONCURRENCY setting; 1 by default).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import benchlib
from benchlib import HOST, PYTHON, REGRIGHTS, SlackStandIn, ms, percentile

SLOW = 3.0  # Slack's limit for an ack, and the goal for the answer too
ANSWER_TIMEOUT = 10.0
FIXED_TEXT = "Bare Bolt acknowledges this fixed text."
# The command sent, and words its every answer holds (`--text help` shows the floor: an
# answer that reads nothing from the database).
TEXT = "status"
MARKS = {"status": "status as of", "help": "keeps the clocks"}
EVENTS_PATH = "/slack/events"
FLOOR = "Bolt's WSGI adapter on gunicorn gthread"
GOAL_RATIO = 1.3  # regrights' status p50 within this of the bare app's
BURST_P99 = 0.050  # seconds


@dataclass
class Sample:
    ack: float  # request -> HTTP response
    answer: float  # request -> answer seen by the user (response_url post, or the ack itself)
    ok: bool
    why: str = ""


def ask_regrights(standin: SlackStandIn, port: int) -> Sample:
    url, arrival = standin.new_response_url()
    began = time.perf_counter()
    try:
        status, body = benchlib.signed_slash(port, TEXT, url)
    except OSError as exc:
        return Sample(time.perf_counter() - began, float("nan"), False, f"request: {exc}")
    acked = time.perf_counter() - began
    if status != 200:
        return Sample(acked, float("nan"), False, f"HTTP {status}")
    if body:  # a quick question is answered in the ack itself
        answered, text = acked, str(json.loads(body).get("text", ""))
    elif arrival.event.wait(ANSWER_TIMEOUT):
        answered, text = arrival.at - began, str(arrival.payload.get("text", ""))
    else:
        return Sample(acked, float("nan"), False, "no answer at the response_url")
    if MARKS.get(TEXT.split()[0], "") not in text or "went wrong" in text:
        return Sample(acked, answered, False, f"unexpected answer: {text[:80]!r}")
    return Sample(acked, answered, True)


def ask_bare(standin: SlackStandIn, port: int) -> Sample:
    url, _ = standin.new_response_url()
    began = time.perf_counter()
    try:
        status, body = benchlib.signed_slash(port, TEXT, url)
    except OSError as exc:
        return Sample(time.perf_counter() - began, float("nan"), False, f"request: {exc}")
    acked = time.perf_counter() - began
    ok = status == 200 and FIXED_TEXT.encode() in body
    return Sample(acked, acked, ok, "" if ok else f"HTTP {status}: {body[:80]!r}")


def interleaved(
    standin: SlackStandIn, ours: int, bare: int, pairs: int, warmup: int, pids: tuple[int, int]
) -> None:
    """Each round asks regrights and the bare app once, in a random order."""
    rng = random.Random(6)
    ours_samples: list[Sample] = []
    bare_samples: list[Sample] = []
    cpu_before: tuple[float, float] = (0.0, 0.0)
    for round_ in range(warmup + pairs):
        if round_ == warmup:
            cpu_before = (benchlib.cpu_seconds(pids[0]), benchlib.cpu_seconds(pids[1]))
        order = [("regrights", ours), ("bare", bare)]
        rng.shuffle(order)
        for name, port in order:
            sample = (
                ask_regrights(standin, port) if name == "regrights" else ask_bare(standin, port)
            )
            if round_ >= warmup:
                (ours_samples if name == "regrights" else bare_samples).append(sample)
    print(f"\n-- interleaved: {pairs} rounds (after {warmup} warm-up), one request at a time")
    failed = [s for s in [*ours_samples, *bare_samples] if not s.ok]
    if failed:
        print(f"FAILED: {len(failed)}, e.g. {failed[0].why}")
    answer = [s.answer for s in ours_samples if s.ok]
    floor = [s.ack for s in bare_samples if s.ok]
    for label, values in ((f"bare Bolt ({FLOOR})", floor), ("regrights serve: answer", answer)):
        p50, p99 = ms(percentile(values, 50)), ms(percentile(values, 99))
        print(f"{label:56s} p50 {p50:>10s}   p99 {p99:>10s}")
    ours_cpu = (benchlib.cpu_seconds(pids[0]) - cpu_before[0]) / pairs
    bare_cpu = (benchlib.cpu_seconds(pids[1]) - cpu_before[1]) / pairs
    print(
        f"server CPU per request: bare Bolt {ms(bare_cpu)}, regrights {ms(ours_cpu)} "
        f"({ours_cpu / bare_cpu:.2f}x)"
    )
    ratio = percentile(answer, 50) / percentile(floor, 50)
    print(
        f"goal: status p50 within {GOAL_RATIO}x of bare Bolt: {ratio:.2f}x, "
        f"{'met' if ratio <= GOAL_RATIO and not failed else 'NOT met'}"
    )


def burst(standin: SlackStandIn, port: int, total: int, concurrency: int) -> None:
    samples: list[Sample] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client(_: int) -> None:
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            sample = ask_regrights(standin, port)
            with lock:
                samples.append(sample)

    wall = benchlib.run_together(concurrency, client)
    failed = [s for s in samples if not s.ok]
    ack = [s.ack for s in samples]
    answer = [s.answer for s in samples if s.ok]
    slow = [s for s in samples if s.ack > SLOW or not s.answer <= SLOW]
    print(f"\n-- burst: {total} `{TEXT}` commands, {concurrency} concurrent clients")
    print(f"wall {wall:.2f} s, {len(samples) / wall:.0f} commands/s")
    print(
        f"ack    p50 {ms(percentile(ack, 50))}, p99 {ms(percentile(ack, 99))}, max {ms(max(ack))}"
    )
    if answer:
        print(
            f"answer p50 {ms(percentile(answer, 50))}, p99 {ms(percentile(answer, 99))}, "
            f"max {ms(max(answer))}"
        )
    print(f"failed: {len(failed)}{f' (e.g. {failed[0].why})' if failed else ''}")
    print(f"over {SLOW:.0f} s (ack or answer): {len(slow)}")
    met = not failed and not slow and percentile(answer, 99) <= BURST_P99
    print(f"goal: none failing, p99 at most {ms(BURST_P99)}: {'met' if met else 'NOT met'}")


def serve_bare(port: int, api_url: str) -> None:
    """The bare Bolt app (a child process): acks every `/regrights` with a fixed text, through
    Bolt's WSGI adapter on gunicorn's gthread worker, with serve's thread count and settings."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.http.server import Lifecycle, run_gunicorn

    app = App(
        client=WebClient(token=benchlib.BOT_TOKEN, base_url=api_url),
        signing_secret=benchlib.SIGNING_SECRET,
        process_before_response=True,
    )

    @app.command("/regrights")
    def fixed(ack: Ack) -> None:
        ack(FIXED_TEXT)

    run_gunicorn(SlackRequestHandler(app), HOST, port, Lifecycle(lambda: None, lambda: None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=300, help="interleaved rounds measured")
    parser.add_argument("--warmup", type=int, default=40, help="rounds run first, not counted")
    parser.add_argument("--burst", type=int, default=400, help="commands in the burst")
    parser.add_argument("--concurrency", type=int, default=16, help="clients in the burst")
    parser.add_argument("--text", default="status", help="the command's text (default: status)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers of each server")
    parser.add_argument(
        "--serve-bare", nargs=2, metavar=("PORT", "API_URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve_bare:
        port, api_url = args.serve_bare
        serve_bare(int(port), api_url)
        return

    global TEXT
    TEXT = args.text
    benchlib.header(
        f"bench/latency: /regrights {TEXT}, regrights serve vs bare Bolt, {args.workers} worker(s)"
    )
    with tempfile.TemporaryDirectory(prefix="regrights-latency-") as tmp, SlackStandIn() as standin:
        work = Path(tmp)
        database = work / "regrights.sqlite3"
        benchlib.seed_agreement(database)
        ours_port, bare_port = benchlib.free_port(), benchlib.free_port()
        env = benchlib.serve_env(standin, database, ours_port)
        env["WEB_CONCURRENCY"] = str(args.workers)
        with contextlib.ExitStack() as servers:
            ours = servers.enter_context(
                benchlib.running([str(REGRIGHTS), "serve"], env, work / "serve.log")
            )
            benchlib.wait_healthy(ours_port, ours)
            command = [str(PYTHON), __file__, "--serve-bare", str(bare_port), standin.api_url]
            bare = servers.enter_context(benchlib.running(command, env, work / "bare.log"))
            # Bolt's adapter answers any path; a GET on the events path will do.
            benchlib.wait_healthy(bare_port, bare, path=EVENTS_PATH)
            pids = (ours.pid, bare.pid)
            interleaved(standin, ours_port, bare_port, args.pairs, args.warmup, pids)
            burst(standin, ours_port, args.burst, args.concurrency)
            print(
                f"\nserve peak RSS (VmHWM) after the runs: {benchlib.peak_rss_mib(ours.pid):.1f} MiB"
            )


if __name__ == "__main__":
    main()
