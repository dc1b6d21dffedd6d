"""SPEC §12, a history that proves itself: after an event row is changed in the database, a write
is refused (exit 3, naming the event), `status` shows the break, and the daily alert pass
verifies the whole chain and posts the break once in the agreement's channel."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import cli_env
from in_process import regrights

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.history_check import check_histories
from bot.alerts.poster import AlertMessage
from bot.alerts.report import PassReport
from bot.wiring import open_database

DEAL = """\
s3-eligible on 2026-01-05
demand 1000 on 2026-03-02
delay 30 from 2026-03-10
"""


class Recorder:
    """A poster that keeps what it posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, AlertMessage]] = []

    def post(self, channel: str, message: AlertMessage) -> str:
        self.posts.append((channel, message))
        return f"{len(self.posts)}.0"

    def find(self, channel: str, key: str, since: datetime) -> str | None:
        return None


@pytest.fixture
def altered(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A recorded deal whose given event row was then changed behind regrights' back."""
    database = tmp_path / "deal.sqlite3"
    env = cli_env(f"sqlite:///{database}")
    deal = tmp_path / "deal.txt"
    deal.write_text(DEAL)
    assert _run(env, "import", str(deal)).returncode == 0
    return database, env


def _alter(database: Path, seq: int) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute(
            'UPDATE event SET "on" = ?, effective_on = ? WHERE seq = ?',
            ("2026-03-11", "2026-03-11", seq),
        )


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return regrights(*args, env=env)


def test_a_write_onto_an_altered_history_is_refused_and_status_shows_it(
    altered: tuple[Path, dict[str, str]],
) -> None:
    database, env = altered
    _alter(database, 3)
    refused = _run(env, "cmd", "--as-of", "2026-03-20", "delay", "end")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "event #3" in refused.stderr and "altered" in refused.stderr
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM event").fetchone() == (3,)
    status = json.loads(_run(env, "cmd", "--json", "--as-of", "2026-03-20", "status").stdout)
    assert "event #3" in status["history_break"]
    assert any("does not prove itself" in w for w in status["warnings"])


def test_an_intact_history_shows_no_break(altered: tuple[Path, dict[str, str]]) -> None:
    _, env = altered
    status = json.loads(_run(env, "cmd", "--json", "--as-of", "2026-03-20", "status").stdout)
    assert status["history_break"] is None
    assert _run(env, "cmd", "--as-of", "2026-03-20", "delay", "end").returncode == 0


def test_the_daily_pass_verifies_the_whole_chain_and_alerts_once(
    altered: tuple[Path, dict[str, str]],
) -> None:
    database, _ = altered
    _alter(database, 2)  # not the tip: only the whole chain shows it
    engine = open_database(f"sqlite:///{database}")
    poster = Recorder()

    def daily_pass(now: datetime) -> PassReport:
        """What the scheduler (and `tick`) run: the alert pass, then the history check."""
        report = run_alert_pass(engine, poster, now)
        check_histories(engine, poster, now, report)
        return report

    first = daily_pass(datetime(2026, 3, 20, 14, tzinfo=UTC))
    [(channel, message)] = [(c, m) for c, m in poster.posts if "history_altered" in m.key]
    assert channel == "console" and "event #2" in message.text
    assert any("history_altered" in o.key for o in first.posted)
    daily_pass(datetime(2026, 3, 20, 15, tzinfo=UTC))
    daily_pass(datetime(2026, 3, 21, 14, tzinfo=UTC))
    assert len([m for _, m in poster.posts if "history_altered" in m.key]) == 1
    engine.dispose()


def test_tick_posts_a_break_once(altered: tuple[Path, dict[str, str]]) -> None:
    database, env = altered
    _alter(database, 3)
    # The other holders' notice (due 2026-03-12) is overdue: its weekly alert is due within
    # eight days of the import, so the pass runs then.
    later = datetime.now(UTC) + timedelta(days=8)
    first = _run(env, "tick", "--at", later.isoformat())
    assert first.stdout.count("does not prove itself") == 1, first.stdout + first.stderr
    again = _run(env, "tick", "--at", (later + timedelta(days=1)).isoformat())
    assert "does not prove itself" not in again.stdout
