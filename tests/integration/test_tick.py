"""`regrights tick [--at ISO-DATETIME] [--dry-run]` as cron runs it, and alerts in the console."""

from __future__ import annotations

import subprocess
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REGRIGHTS, cli_env
from in_process import regrights

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(f"sqlite:///{tmp_path / 'regrights.sqlite3'}")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return regrights(*args, env=env)


def today() -> date:
    return datetime.now(NEW_YORK).date()


@pytest.fixture
def filed(env: dict[str, str]) -> date:
    """A filing 170 days ago: the effectiveness deadline is due in 10 days. Returns the due date."""
    done = run(env, "cmd", "filed", "on", (today() - timedelta(days=170)).isoformat())
    assert done.returncode == 0, done.stdout + done.stderr
    return today() + timedelta(days=10)


def test_dry_run_shows_the_alert_and_records_nothing(env: dict[str, str], filed: date) -> None:
    at = f"{filed - timedelta(days=7)}T16:00:00Z"  # 11:00 or 12:00 in New York
    first = run(env, "tick", "--at", at, "--dry-run")
    assert first.returncode == 0, first.stderr
    assert "dry run" in first.stdout
    (line,) = [x for x in first.stdout.splitlines() if x.startswith("would post in console:")]
    assert "Registration Statement effective (§2(a)(ii)(F))" in line
    assert f"due {filed.isoformat()} ({filed.strftime('%a')}" in line
    assert "7 days left" in line
    assert 'then record "effective"' in line and "`" not in line  # plain text, as in `cmd`
    again = run(env, "tick", "--at", at, "--dry-run")
    assert again.stdout == first.stdout  # nothing was recorded


def test_a_tick_prints_the_alert_and_a_second_tick_at_the_same_time_posts_nothing(
    env: dict[str, str], filed: date
) -> None:
    at = f"{filed - timedelta(days=7)}T16:00:00"  # no offset: UTC
    posted = run(env, "tick", "--at", at)
    assert posted.returncode == 0, posted.stderr
    assert posted.stdout.count("[alert #console]") == 1
    assert "7 days left" in posted.stdout
    assert "posted 1," in posted.stdout
    second = run(env, "tick", "--at", at)
    assert second.returncode == 0
    assert "[alert #console]" not in second.stdout and "posted 0," in second.stdout
    dry = run(env, "tick", "--at", at, "--dry-run")
    assert "would post" not in dry.stdout.replace("would post 0", "")


def test_a_bad_at_is_refused_with_exit_2(env: dict[str, str]) -> None:
    done = run(env, "tick", "--at", "next tuesday")
    assert done.returncode == 2
    assert "--at" in done.stderr and "ISO" in done.stderr
    assert done.stdout == ""


def test_a_dry_run_never_migrates_a_database(env: dict[str, str]) -> None:
    done = run(env, "tick", "--dry-run")
    assert done.returncode == 2
    assert "regrights db upgrade" in done.stderr


def test_the_console_prints_alerts_as_they_fire(env: dict[str, str], filed: date) -> None:
    console = subprocess.Popen(
        [REGRIGHTS, "console"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, console.kill)
    watchdog.start()
    try:
        assert console.stdin and console.stdout
        # The 14-day alert fell four days ago; the scheduler's first pass catches up with it.
        lines = iter(console.stdout.readline, "")
        alert = next(line for line in lines if line.startswith("[alert #console]"))
        assert "`" not in alert  # no Slack markup at the console
        console.stdin.write("deadlines\nquit\n")
        console.stdin.flush()
        assert console.wait(timeout=30) == 0
    finally:
        watchdog.cancel()
    assert "14 days left" not in alert and "10 days left" in alert
