"""SPEC §12, a history that proves itself: after an event row is changed in the database, a write
is refused (exit 3, naming the event), `status` shows the break, and the daily alert pass
verifies the whole chain and posts the break once in the agreement's channel; a break it finds
anywhere in the history is shown by `status`, and refuses writes, until an admin resolves it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import CHANNEL, Desk, cli_env
from in_process import regrights
from sqlalchemy import text as sql

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.history_check import check_histories
from bot.alerts.poster import AlertMessage
from bot.alerts.report import PassReport
from bot.slack.blocks import private_message
from bot.wiring import open_database
from domain.rules.audit_chain import HistoryAltered

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


def _alter(database: Path, seq: int, day: str = "2026-03-11") -> tuple[str, str]:
    """Moves the event to `day`; its dates as recorded."""
    with sqlite3.connect(database) as connection:
        recorded = connection.execute(
            'SELECT "on", effective_on FROM event WHERE seq = ?', (seq,)
        ).fetchone()
        connection.execute(
            'UPDATE event SET "on" = ?, effective_on = ? WHERE seq = ?',
            (day, day, seq),
        )
    return recorded


def _restore(database: Path, seq: int, recorded: tuple[str, str]) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute(
            'UPDATE event SET "on" = ?, effective_on = ? WHERE seq = ?', (*recorded, seq)
        )


def _events(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM event").fetchone()
    return int(count)


def _daily_check(url: str, now: datetime) -> Recorder:
    """The daily pass's verification of every whole chain, as the scheduler runs it."""
    engine = open_database(url)
    poster = Recorder()
    check_histories(engine, poster, now, PassReport(now))
    engine.dispose()
    return poster


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


def test_a_break_the_daily_pass_finds_mid_history_is_shown_and_refuses_writes_until_restored(
    altered: tuple[Path, dict[str, str]],
) -> None:
    database, env = altered
    # The demand, a day later: the tip (#3) and the one before it still hold.
    recorded = _alter(database, 2, "2026-03-03")
    as_of = ("--as-of", "2026-03-20")
    # Before the daily pass, only a whole walk of the chain would see it.
    assert json.loads(_run(env, "cmd", "--json", *as_of, "status").stdout)["history_break"] is None
    [(_, alert)] = _daily_check(
        f"sqlite:///{database}", datetime(2026, 3, 20, 14, tzinfo=UTC)
    ).posts
    assert "event #2" in alert.text
    status = json.loads(_run(env, "cmd", "--json", *as_of, "status").stdout)
    assert "event #2 (demand on 2026-03-03) was altered" in status["history_break"]
    assert any("does not prove itself" in w and "event #2" in w for w in status["warnings"])
    assert "event #2" in _run(env, "cmd", *as_of, "status").stdout
    refused = _run(env, "cmd", *as_of, "delay", "end")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "does not prove itself: event #2" in refused.stderr and "altered" in refused.stderr
    assert _events(database) == 3
    _restore(database, 2, recorded)  # an admin puts the row back as an export holds it
    status = json.loads(_run(env, "cmd", "--json", *as_of, "status").stdout)
    assert status["history_break"] is None
    assert not any("does not prove itself" in w for w in status["warnings"])
    done = _run(env, "cmd", *as_of, "delay", "end")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _events(database) == 4


def test_verify_by_an_admin_clears_the_break_once_the_history_is_whole(
    altered: tuple[Path, dict[str, str]],
) -> None:
    database, env = altered
    recorded = _alter(database, 2, "2026-03-03")
    _daily_check(f"sqlite:///{database}", datetime(2026, 3, 20, 14, tzinfo=UTC))
    broken = json.loads(_run(env, "verify", "--json").stdout)
    assert (broken["ok"], broken["seq"], broken["cleared"]) == (False, 2, None)
    _restore(database, 2, recorded)
    # Only an admin resolves it: a reader's verify finds the history whole and leaves the break.
    reader = {**env, "REGRIGHTS_ADMINS": "UADMIN"}
    checked = json.loads(_run(reader, "verify", "--json", "--user", "UREADER").stdout)
    assert (checked["ok"], checked["cleared"]) == (True, None)
    verified = _run(env, "verify")
    assert verified.returncode == 0, verified.stderr
    assert "The break the daily check found (event #2 (demand on 2026-03-03) was altered" in (
        verified.stdout
    )
    assert "is cleared" in verified.stdout
    assert json.loads(_run(env, "verify", "--json").stdout)["cleared"] is None


def test_the_next_daily_pass_on_a_whole_history_clears_the_break(
    altered: tuple[Path, dict[str, str]],
) -> None:
    database, env = altered
    recorded = _alter(database, 2, "2026-03-03")
    _daily_check(f"sqlite:///{database}", datetime(2026, 3, 20, 14, tzinfo=UTC))
    _restore(database, 2, recorded)
    assert not _daily_check(f"sqlite:///{database}", datetime(2026, 3, 21, 14, tzinfo=UTC)).posts
    # Nothing is left for an admin's verify to clear.
    assert json.loads(_run(env, "verify", "--json").stdout)["cleared"] is None


def test_a_history_set_back_to_a_whole_one_shows_no_break(
    altered: tuple[Path, dict[str, str]],
) -> None:
    database, env = altered
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM event WHERE seq = 3")
    _daily_check(f"sqlite:///{database}", datetime(2026, 3, 20, 14, tzinfo=UTC))
    as_of = ("--as-of", "2026-03-20")
    status = json.loads(_run(env, "cmd", "--json", *as_of, "status").stdout)
    assert "event #3 is missing" in status["history_break"]
    # The admin takes the history as it now stands: its latest hash set back to event #2's.
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE agreement SET chain_head = (SELECT chain_hash FROM event WHERE seq = 2)"
        )
    assert json.loads(_run(env, "cmd", "--json", *as_of, "status").stdout)["history_break"] is None
    assert _run(env, "cmd", *as_of, "delay", "30").returncode == 0


def _in_events(desk: Desk) -> list[int]:
    with desk.service.uow.read() as store:
        binding = store.binding(CHANNEL)
        assert binding is not None
        return [event.seq for event in store.events(binding.agreement_id)]


def test_the_break_found_mid_history_holds_on_either_database(desk: Desk) -> None:
    """Through the service a Slack command reaches, on SQLite and PostgreSQL: the history it
    keeps replayed in memory is not what it checks."""
    desk.today = date(2026, 3, 20)
    for line in DEAL.splitlines():
        desk.ok(line)
    assert desk.say("status").data["history_break"] is None  # the history is replayed and kept
    engine = desk.service.uow.engine
    with engine.begin() as connection:
        recorded = connection.execute(sql("SELECT shares FROM event WHERE seq = 2")).scalar_one()
        connection.execute(sql("UPDATE event SET shares = 999999 WHERE seq = 2"))
    now = datetime(2026, 3, 20, 14, tzinfo=UTC)
    check_histories(engine, Recorder(), now, PassReport(now))
    status = desk.say("status")
    assert "event #2 (demand on 2026-03-02) was altered" in status.data["history_break"]
    slack = json.dumps(private_message(status)["blocks"])
    assert "does not prove itself" in slack and "event #2" in slack
    with pytest.raises(HistoryAltered, match="event #2"):
        desk.say("delay end")
    assert _in_events(desk) == [1, 2, 3]
    with engine.begin() as connection:
        connection.execute(
            sql("UPDATE event SET shares = :shares WHERE seq = 2"), {"shares": recorded}
        )
    assert desk.say("status").data["history_break"] is None
    desk.ok("delay end")
    assert _in_events(desk) == [1, 2, 3, 4]


def test_a_history_altered_so_that_it_no_longer_replays_is_named_not_crashed_on(
    altered: tuple[Path, dict[str, str]],
) -> None:
    database, env = altered
    # The demand moved past the delay that postpones its filing: the rules refuse the history.
    _alter(database, 2, "2026-04-01")
    for command in (("status",), ("--json", "deadlines"), ("delay", "end")):
        refused = _run(env, "cmd", "--as-of", "2026-04-20", *command)
        assert refused.returncode == 3, refused.stdout + refused.stderr
        said = refused.stdout + refused.stderr  # `--json` answers on stdout
        assert "does not prove itself: event #2" in said, said
        assert "unexpected" not in said
    assert _events(database) == 3
