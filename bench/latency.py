"""Command latency: `/regrights status` through `regrights serve` beside a bare Bolt app.

    .venv/bin/python bench/latency.py [--pairs 300] [--warmup 40] [--burst 400] [--concurrency 16]

Three servers run as child processes, reached over 127.0.0.1, each verifying Slack's signature
once (on serve's server before Bolt, on `app.start()` in Bolt). `regrights serve` runs its
production server (bot.http: Bolt's WSGI adapter on gunicorn, one worker process whose threads
each accept their own connections). A bare Bolt app runs twice: on the fastest floor, Bolt's own
`app.start()` development server, against which the goal is judged, and on serve's WSGI router
and gunicorn, which shows what the production server itself costs. `regrights serve` reads a
real SQLite file seeded with one agreement and a realistic history; the bare app is Bolt alone
acking a fixed text. A lean Slack stand-in in this process takes the response_url posts and
notes when each arrives.

Interleaved run: `--pairs` rounds, each sending one signed `/regrights status` to the three
servers in random order, one request at a time on a new connection (as Slack connects). For each it
measures request -> HTTP response (the ack) and, for regrights, request -> the answer reaching
the response_url (what the user sees). Bare Bolt's answer *is* its ack. A shorter run follows
in which another instance records an event before each regrights request, so no answer was
kept: each one is worked out afresh from the history (the first question after each change).

Burst: `--burst` status commands from `--concurrency` client threads to `regrights serve`
alone; none may fail and none may take over 3 s, ack or answer.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import tempfile
import threading
import time
from collections.abc import Callable
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
# The bare app on each server: Bolt's own development server, and serve's production server.
FLOORS = {"bolt-start": "app.start()", "gunicorn": "gunicorn"}
GOAL_FLOOR = "bolt-start"  # the fastest floor: the goal is judged against it


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
    standin: SlackStandIn,
    ours: int,
    floors: dict[str, int],
    pairs: int,
    warmup: int,
    before_ours: Callable[[], None] | None = None,
) -> None:
    """Each round asks regrights and every bare app in `floors` (name -> port) once, in a
    random order. `before_ours`, if given, records an event (untimed) before each request to
    regrights."""
    rng = random.Random(6)
    ours_samples: list[Sample] = []
    bare_samples: dict[str, list[Sample]] = {name: [] for name in floors}
    for round_ in range(warmup + pairs):
        order = [("regrights", ours), *floors.items()]
        rng.shuffle(order)
        for name, port in order:
            if name == "regrights" and before_ours is not None:
                before_ours()
            if name == "regrights":
                sample = ask_regrights(standin, port)
            else:
                sample = ask_bare(standin, port)
            if round_ >= warmup:
                (ours_samples if name == "regrights" else bare_samples[name]).append(sample)
    after = ", each `status` the first after a new event" if before_ours else ""
    print(
        f"\n-- interleaved: {pairs} rounds (after {warmup} warm-up), one request at a time{after}"
    )
    every = [*ours_samples, *(s for samples in bare_samples.values() for s in samples)]
    failed = [s for s in every if not s.ok]
    if failed:
        print(f"FAILED: {len(failed)}, e.g. {failed[0].why}")
    ours_ok = [s for s in ours_samples if s.ok]
    bare_acks = {name: [s.ack for s in samples if s.ok] for name, samples in bare_samples.items()}
    ack = [s.ack for s in ours_ok]
    answer = [s.answer for s in ours_ok]
    rows = [(f"bare Bolt on {FLOORS[name]}", acks) for name, acks in bare_acks.items()]
    rows += [
        ("regrights: ack", ack),
        ("regrights: answer (ack or response_url)", answer),
        ("regrights: ack -> answer", [s.answer - s.ack for s in ours_ok]),
    ]
    for label, values in rows:
        print(
            f"{label:44s} p50 {ms(percentile(values, 50)):>10s}   p99 {ms(percentile(values, 99)):>10s}"
        )
    for name, acks in bare_acks.items():
        base50, base99 = percentile(acks, 50), percentile(acks, 99)
        print(
            f"ratio, answer / bare Bolt on {FLOORS[name]}: p50 "
            f"{percentile(answer, 50) / base50:.2f}x   p99 {percentile(answer, 99) / base99:.2f}x"
        )
    if before_ours is not None:
        print("(for comparison: the goal is judged on the run above)")
        return
    floor = percentile(bare_acks[GOAL_FLOOR], 50)
    ratio = percentile(answer, 50) / floor
    print(
        f"goal: the answer's p50 within 1.5x of bare Bolt on {FLOORS[GOAL_FLOOR]}: "
        f"{ratio:.2f}x, {'met' if ratio <= 1.5 else 'NOT met'}"
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
    print(f"goal none failing, none over 3 s: {'met' if not failed and not slow else 'NOT met'}")


def serve_bare(port: int, api_url: str, floor: str) -> None:
    """The bare Bolt app (a child process): acks every `/regrights` with a fixed text, on
    Bolt's own development server (`app.start()`) or on the WSGI server regrights uses."""
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    app = App(
        client=WebClient(token=benchlib.BOT_TOKEN, base_url=api_url),
        signing_secret=benchlib.SIGNING_SECRET,
        # On serve's server the signature is checked before Bolt, as for regrights: once.
        request_verification_enabled=floor == "bolt-start",
        process_before_response=True,
    )

    @app.command("/regrights")
    def fixed(ack: Ack) -> None:
        ack(FIXED_TEXT)

    if floor == "bolt-start":
        # http.server, one request at a time. It listens on every interface (Bolt binds
        # 0.0.0.0); this benchmark talks to it over 127.0.0.1 only.
        app.start(port=port, path=EVENTS_PATH, http_server_logger_enabled=False)
        return

    from bot.http.app import SlackEvents
    from bot.http.router import Response, Router
    from bot.http.server import Lifecycle, run_gunicorn

    router = Router()
    router.add("POST", EVENTS_PATH, SlackEvents(app, benchlib.SIGNING_SECRET))
    router.add("GET", "/healthz", lambda _environ, _params: Response.json(200, {"ok": True}))
    run_gunicorn(router, HOST, port, Lifecycle(started=lambda: None, stopping=lambda: None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=300, help="interleaved rounds measured")
    parser.add_argument("--warmup", type=int, default=40, help="rounds run first, not counted")
    parser.add_argument("--burst", type=int, default=400, help="commands in the burst")
    parser.add_argument("--concurrency", type=int, default=16, help="clients in the burst")
    parser.add_argument("--text", default="status", help="the command's text (default: status)")
    parser.add_argument(
        "--serve-bare", nargs=3, metavar=("FLOOR", "PORT", "API_URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve_bare:
        floor, port, api_url = args.serve_bare
        serve_bare(int(port), api_url, floor)
        return

    global TEXT
    TEXT = args.text
    benchlib.header(f"bench/latency: /regrights {TEXT}, regrights serve vs bare Bolt")
    with tempfile.TemporaryDirectory(prefix="regrights-latency-") as tmp, SlackStandIn() as standin:
        work = Path(tmp)
        database = work / "regrights.sqlite3"
        benchlib.seed_agreement(database)
        ours_port = benchlib.free_port()
        floors = {name: benchlib.free_port() for name in FLOORS}
        env = benchlib.serve_env(standin, database, ours_port)
        with contextlib.ExitStack() as servers:
            ours = servers.enter_context(
                benchlib.running([str(REGRIGHTS), "serve"], env, work / "serve.log")
            )
            benchlib.wait_healthy(ours_port, ours)
            for name, port in floors.items():
                command = [str(PYTHON), __file__, "--serve-bare", name, str(port), standin.api_url]
                bare = servers.enter_context(benchlib.running(command, env, work / f"{name}.log"))
                # Bolt's development server has no /healthz: any answer on its path will do.
                path = EVENTS_PATH if name == "bolt-start" else "/healthz"
                benchlib.wait_healthy(port, bare, path=path)
            interleaved(standin, ours_port, floors, args.pairs, args.warmup)
            with benchlib.event_recorder(database) as record:
                interleaved(
                    standin,
                    ours_port,
                    floors,
                    args.pairs // 3,
                    args.warmup // 4,
                    before_ours=record,
                )
            burst(standin, ours_port, args.burst, args.concurrency)
            print(
                f"\nserve peak RSS (VmHWM) after the runs: {benchlib.peak_rss_mib(ours.pid):.1f} MiB"
            )


if __name__ == "__main__":
    main()
