"""`regrights import`, `compliance --json`, `cmd --as-of` with `tick`, and `cmd --`, run as the
console script runs them (`in_process`)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import cli_env
from in_process import regrights

# A deal adopted mid-way. By hand: demand received Mon 03-02, other holders' notice due
# 03-02 + 10 = 03-12, mailed 03-16 (4 days late), received Fri 03-20 (Tue 17 .. Fri 20), their
# window closing 03-20 + 15 = 04-04; the §4(a) notice due 04-20 - 15 = 04-05, sent 04-10
# (5 days late); filed 04-20, so effective by 04-20 + 180 = 10-17.
DEAL = """\
# nStor / Pacific Technology: the history so far
s3-eligible on 2026-01-05
demand 250,000 on 2026-03-02        # received by hand

holders-notified on 2026-03-16 by mail
filing-planned 2026-04-20 on 2026-03-10
requested-info-sent on 2026-04-10
filed on 2026-04-20
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(f"sqlite:///{tmp_path / 'import.sqlite3'}")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = regrights(*args, env=env)
    assert done.stderr == "", done.stderr
    return done


def run_json(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    done = run(env, *args)
    return done.returncode, json.loads(done.stdout)


def history(env: dict[str, str]) -> list[dict[str, Any]]:
    code, data = run_json(env, "cmd", "--json", "history", "200")
    assert code == 0
    events: list[dict[str, Any]] = data["events"]
    return events


def test_import_then_compliance_json(env: dict[str, str], tmp_path: Path) -> None:
    deal = tmp_path / "deal.txt"
    deal.write_text(DEAL)
    code, imported = run_json(env, "import", "--json", str(deal))
    assert code == 0
    assert imported["ok"] is True and imported["recorded"] == 6
    code, record = run_json(env, "cmd", "--json", "--as-of", "2026-11-26", "compliance")
    assert code == 0
    assert record["as_of"] == "2026-11-26"
    rows = [
        (o["kind"], o["section"], o["due"], o["closed_on"], o["outcome"], o["days_late"])
        for o in record["obligations"]
    ]
    assert rows == [
        ("holder_notice", "2(a)", "2026-03-12", "2026-03-16", "late", 4),
        ("holder_inclusion", "2(a)", "2026-04-04", None, "lapsed", None),
        ("requested_info", "4(a)", "2026-04-05", "2026-04-10", "late", 5),
        # 10-17 to 11-26: 14 days of October and 26 of November.
        ("effectiveness", "2(a)(ii)(F)", "2026-10-17", None, "missed", 40),
    ]
    text = run(env, "import", str(deal)).stdout  # the same history again: refused, line 2
    assert text.startswith('Line 2 ("s3-eligible on 2026-01-05"): Refused under §2(a)(i)')
    assert len(history(env)) == 6


def test_a_malformed_line_is_named_and_nothing_is_recorded(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(DEAL + "delay 0\n")
    code, refused = run_json(env, "import", "--json", str(bad))
    assert code == 2
    assert refused == {
        "ok": False,
        "line": 9,
        "error": "the number of days must be at least 1",
        "section": None,
    }
    assert history(env) == []


def test_a_refused_line_rolls_the_whole_file_back(env: dict[str, str], tmp_path: Path) -> None:
    refused_file = tmp_path / "refused.txt"
    # Line 9: a second demand while the first (received 03-02) is pending, §2(a)(i).
    refused_file.write_text(DEAL + "demand 10 on 2026-05-01\n")
    code, refused = run_json(env, "import", "--json", "--user", "counsel", str(refused_file))
    assert code == 1
    assert refused["line"] == 9 and refused["section"] == "2(a)(i)"
    assert "2026-03-02" in refused["error"]
    assert history(env) == []
    missing = run(env, "import", str(tmp_path / "nowhere.txt"))
    assert missing.returncode == 2 and "cannot read" in missing.stdout


def test_a_question_is_not_importable(env: dict[str, str], tmp_path: Path) -> None:
    asking = tmp_path / "asking.txt"
    asking.write_text("s3-eligible on 2026-01-05\nstatus\n")
    code, refused = run_json(env, "import", "--json", str(asking))
    assert (code, refused["line"]) == (2, 2)
    assert history(env) == []


def test_cmd_as_of_sets_the_clock_for_the_next_alert(env: dict[str, str]) -> None:
    assert (
        run(env, "cmd", "--as-of", "2026-03-02", "s3-eligible", "on", "2026-01-05").returncode == 0
    )
    # Received 03-02: due 03-12; the 7-day lead falls on Thu 03-05 at 09:00 New York (14:00Z).
    assert run(env, "cmd", "--as-of", "2026-03-02", "demand", "1000").returncode == 0
    early = run(env, "tick", "--at", "2026-03-05T13:59:00Z")
    assert "posted 0," in early.stdout
    posted = run(env, "tick", "--at", "2026-03-05T14:01:00Z")
    assert posted.stdout.count("[alert #console]") == 1 and "7 days left" in posted.stdout
    [event] = [e for e in history(env) if e["kind"] == "demand"]
    # Recorded on 03-02 in the agreement's timezone, at whatever hour the test runs.
    recorded = datetime.fromisoformat(event["recorded_at"])
    assert recorded.astimezone(ZoneInfo("America/New_York")).date().isoformat() == "2026-03-02"


def test_a_double_dash_ends_the_options(env: dict[str, str]) -> None:
    code, bad = run_json(env, "cmd", "--json", "--", "delay", "-5")
    assert code == 2 and bad["error"] == "a delay is a positive number of days, not `-5`"
    code, status = run_json(env, "cmd", "--json", "--as-of", "2026-03-02", "--", "status")
    assert code == 0 and status["as_of"] == "2026-03-02"
