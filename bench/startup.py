"""Start-up and memory: `regrights --help`, `cmd status` and an idle `tick` as whole processes,
`regrights serve` to its first healthy /healthz, and the peak resident memory of serve.

    .venv/bin/python bench/startup.py [--help-runs 20] [--serve-runs 5] [--load 300]
                                      [--cli-rounds 15]

One-shot commands: `--cli-rounds` rounds, each running `regrights --help`, `regrights cmd
status` and `regrights tick` (nothing due, no Slack token) once, in a random order, against a
migrated SQLite file holding the agreement `cmd` sets up; the median wall time of each, and
its ratio to `--help` in the same rounds. Each command runs once first, uncounted, and the
children run without PYTHONDONTWRITEBYTECODE, so modules load from their bytecode caches as
in an installation.

`--help`: wall time of `regrights --help` (the console script), `--help-runs` times; min and
median. Serve: launched in HTTP mode against a lean Slack stand-in on 127.0.0.1 and a SQLite
file, timed from the launch to the first 200 from GET /healthz (polled every 5 ms), on a
fresh database (migrations applied at start) and on one already migrated; min and median of
`--serve-runs` each. Memory: one serve, after `--load` signed `/regrights status` commands
(8 at a time) with the alert scheduler running, reports VmHWM, the peak resident set.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import benchlib
from benchlib import REGRIGHTS, SlackStandIn

HELP_GOAL = 0.3
MEMORY_GOAL_MB = 120
# Wall-time goals for one-shot commands, as whole processes.
CLI_GOALS = {"cmd status": 0.5, "tick": 0.4}
CLI_COMMANDS = {"--help": ["--help"], "cmd status": ["cmd", "status"], "tick": ["tick"]}


def installed_env() -> dict[str, str]:
    """This environment as an installation runs: bytecode cached after the first run (a
    PYTHONDONTWRITEBYTECODE set for the benchmark's own shell would compile every module of
    every run), and no Slack or regrights settings."""
    env = benchlib.unset_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_help(runs: int) -> list[float]:
    times = []
    env = installed_env()
    for _ in range(runs + 1):  # the first run, not counted, writes the bytecode caches
        began = time.perf_counter()
        done = subprocess.run([str(REGRIGHTS), "--help"], env=env, capture_output=True, timeout=30)
        times.append(time.perf_counter() - began)
        if done.returncode != 0 or b"serve" not in done.stdout:
            raise RuntimeError(f"regrights --help failed: {done.stderr.decode()[:200]}")
    return times[1:]


def time_one_shots(work: Path, rounds: int) -> dict[str, list[float]]:
    """Wall times of each one-shot command, run in turns in a random order each round."""
    database = work / "one-shot.sqlite3"
    env = installed_env()
    env["REGRIGHTS_DATABASE_URL"] = f"sqlite:///{database}"
    for warm_up in CLI_COMMANDS.values():  # sets the agreement up; writes the bytecode caches
        subprocess.run([str(REGRIGHTS), *warm_up], env=env, capture_output=True, check=True)
    order = random.Random(13)
    times: dict[str, list[float]] = {name: [] for name in CLI_COMMANDS}
    for _ in range(rounds):
        names = list(CLI_COMMANDS)
        order.shuffle(names)
        for name in names:
            began = time.perf_counter()
            done = subprocess.run(
                [str(REGRIGHTS), *CLI_COMMANDS[name]], env=env, capture_output=True, timeout=60
            )
            times[name].append(time.perf_counter() - began)
            if done.returncode != 0:
                raise RuntimeError(f"regrights {name} failed: {done.stderr.decode()[:300]}")
    return times


def time_to_healthy(standin: SlackStandIn, work: Path, fresh: bool) -> float:
    database = work / ("fresh.sqlite3" if fresh else "migrated.sqlite3")
    if fresh:
        for leftover in work.glob("fresh.sqlite3*"):
            leftover.unlink()
    port = benchlib.free_port()
    began = time.perf_counter()
    with benchlib.running(
        [str(REGRIGHTS), "serve"], benchlib.serve_env(standin, database, port), work / "serve.log"
    ) as serve:
        benchlib.wait_healthy(port, serve, timeout=60)
        return time.perf_counter() - began


def peak_memory(standin: SlackStandIn, work: Path, load: int) -> tuple[float, float, int]:
    database = work / "loaded.sqlite3"
    benchlib.seed_agreement(database)
    port = benchlib.free_port()
    with benchlib.running(
        [str(REGRIGHTS), "serve"], benchlib.serve_env(standin, database, port), work / "serve.log"
    ) as serve:
        benchlib.wait_healthy(port, serve, timeout=60)
        at_start = benchlib.peak_rss_mib(serve.pid)
        failures = 0
        lock = threading.Lock()
        remaining = iter(range(load))

        def client(_: int) -> None:
            nonlocal failures
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                url, arrival = standin.new_response_url()
                status, body = benchlib.signed_slash(port, "status", url)
                # A question is answered in the ack when quick, else at the response_url.
                if status != 200 or not (body or arrival.event.wait(10)):
                    with lock:
                        failures += 1

        benchlib.run_together(8, client)
        return at_start, benchlib.peak_rss_mib(serve.pid), failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--help-runs", type=int, default=20)
    parser.add_argument("--serve-runs", type=int, default=5)
    parser.add_argument("--load", type=int, default=300, help="status commands before VmHWM")
    parser.add_argument("--cli-rounds", type=int, default=15, help="rounds of one-shot commands")
    args = parser.parse_args()

    benchlib.header("bench/startup: --help, serve to a healthy /healthz, serve's memory")
    helps = time_help(args.help_runs)
    best = min(helps)
    print(
        f"regrights --help: min {best * 1000:.0f} ms, median {statistics.median(helps) * 1000:.0f} ms "
        f"({args.help_runs} runs); goal < {HELP_GOAL * 1000:.0f} ms: "
        f"{'met' if statistics.median(helps) < HELP_GOAL else 'NOT met'}"
    )
    with tempfile.TemporaryDirectory(prefix="regrights-startup-") as tmp, SlackStandIn() as standin:
        work = Path(tmp)
        one_shots = time_one_shots(work, args.cli_rounds)
        help_median = statistics.median(one_shots["--help"])
        for name, times in one_shots.items():
            median = statistics.median(times)
            goal = CLI_GOALS.get(name)
            verdict = (
                f"; goal < {goal * 1000:.0f} ms: {'met' if median < goal else 'NOT met'}"
                if goal
                else ""
            )
            print(
                f"regrights {name}: median {median * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
                f"{median / help_median:.1f}x --help ({args.cli_rounds} rounds){verdict}"
            )
        benchlib.seed_agreement(work / "migrated.sqlite3")
        for fresh in (True, False):
            times = [time_to_healthy(standin, work, fresh) for _ in range(args.serve_runs)]
            label = "fresh database (migrates)" if fresh else "migrated database"
            print(
                f"serve to first healthy /healthz, {label}: min {min(times) * 1000:.0f} ms, "
                f"median {statistics.median(times) * 1000:.0f} ms ({args.serve_runs} runs)"
            )
        at_start, peak, failures = peak_memory(standin, work, args.load)
        print(
            f"serve peak RSS (VmHWM): {at_start:.1f} MiB once healthy, {peak:.1f} MiB after "
            f"{args.load} status commands ({failures} failed); goal < {MEMORY_GOAL_MB} MB: "
            f"{'met' if peak * 1.048576 < MEMORY_GOAL_MB else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
