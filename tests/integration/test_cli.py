"""`regrights cmd --json`: the JSON contract and exit codes of SPEC §7, in this interpreter
(`in_process`), and through a real process where that is what is tested: the exit statuses
and a clean stderr as a shell sees them, and the console reading its stdin."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REGRIGHTS, cli_env
from in_process import regrights


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(f"sqlite:///{tmp_path / 'cli.sqlite3'}")


def run(env: dict[str, str], *args: str, process: bool = False) -> tuple[int, Any]:
    """`regrights ARGS`, here or (with `process`) in a process of its own."""
    done = (
        subprocess.run([REGRIGHTS, *args], env=env, capture_output=True, text=True, timeout=60)
        if process
        else regrights(*args, env=env)
    )
    assert done.stderr == "", done.stderr
    return done.returncode, done.stdout


def run_json(env: dict[str, str], *args: str, process: bool = False) -> tuple[int, dict[str, Any]]:
    code, out = run(env, "cmd", "--json", *args, process=process)
    return code, json.loads(out)


def test_delay_then_refusal_then_malformed(env: dict[str, str]) -> None:
    assert run_json(env, "--as-of", "2026-11-02", "filed", "on", "2026-10-01")[0] == 0
    code, delay = run_json(env, "--as-of", "2026-11-02", "delay", "30", process=True)
    assert code == 0
    assert {k: delay[k] for k in ("ok", "start", "last_day", "expires", "days_used_12m")} == {
        "ok": True,
        "start": "2026-11-02",
        "last_day": "2026-12-01",
        "expires": "2026-12-02",
        "days_used_12m": 30,
    }
    code, refused = run_json(env, "--as-of", "2026-12-10", "delay", "10", process=True)
    assert code == 1
    assert refused["ok"] is False and refused["section"] == "2(d)"
    assert refused["next_start_allowed"] == "2027-11-02" and refused["error"]
    code, bad = run_json(env, "delay", "abc", process=True)
    assert code == 2 and bad["ok"] is False and bad["section"] is None


def test_status_and_deadlines_json(env: dict[str, str]) -> None:
    assert run_json(env, "--as-of", "2026-03-02", "s3-eligible", "on", "2026-01-05")[0] == 0
    assert run_json(env, "--as-of", "2026-03-02", "demand", "1000")[0] == 0
    code, deadlines = run_json(env, "--as-of", "2026-03-20", "deadlines")
    assert code == 0
    assert deadlines == {
        "ok": True,
        "as_of": "2026-03-20",
        "deadlines": [
            {
                "kind": "holder_notice",
                "section": "2(a)",
                "title": deadlines["deadlines"][0]["title"],
                "due": "2026-03-12",
                "days_left": -8,
                "status": "overdue",
            }
        ],
    }
    code, status = run_json(env, "--as-of", "2026-03-20", "status")
    assert status["demand"] == {"available": False, "state": "requested"}
    assert status["deadlines"] == deadlines["deadlines"]


def test_cutback_json_names_every_holder(env: dict[str, str]) -> None:
    code, result = run_json(env, "cutback", "100", "co=50", "a=40:100", "b=40:300")
    assert code == 0
    assert result == {
        "ok": True,
        "by_owned": {"co": 50, "a": 13, "b": 37},
        "by_requested": {"co": 50, "a": 25, "b": 25},
    }


def test_roles_from_the_environment(env: dict[str, str]) -> None:
    env["REGRIGHTS_ADMINS"] = "UBOSS"
    code, refused = run_json(env, "--user", "UBOSS", "status")
    assert code == 0
    code, refused = run_json(env, "--user", "intruder", "delay", "5")
    assert code == 1 and refused["section"] is None


def test_an_unbound_channel_and_a_bad_as_of(env: dict[str, str]) -> None:
    run_json(env, "status")
    code, unbound = run_json(env, "--channel", "elsewhere", "status")
    assert code == 1
    assert unbound["error"].startswith("this channel is not bound to an agreement")
    assert "setup nstor-2002" in unbound["error"]
    code, _ = run_json(env, "--as-of", "yesterday", "status")
    assert code == 2


def test_human_replies_show_weekdays_and_sections(env: dict[str, str]) -> None:
    assert run(env, "cmd", "--as-of", "2026-11-02", "filed", "on", "2026-10-01")[0] == 0
    code, out = run(env, "cmd", "--as-of", "2026-11-02", "delay", "30")
    assert code == 0
    assert "2026-12-02 (Wed)" in out and "§2(d)" in out


def test_db_upgrade_and_help(env: dict[str, str]) -> None:
    code, out = run(env, "db", "upgrade")
    assert code == 0 and "revision" in out
    code, out = run(env, "--help")
    assert code == 0 and "serve" in out and "tick" in out


def test_console_reads_commands_from_stdin(env: dict[str, str]) -> None:
    done = subprocess.run(
        [REGRIGHTS, "console"],
        input="delay 0\nterms\nquit\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "at least 1" in done.stdout and "§2(d)" in done.stdout


def test_setup_from_a_profiles_directory(env: dict[str, str], tmp_path: Path) -> None:
    bundled = (
        Path(__file__).resolve().parents[2] / "domain" / "rules" / "profiles" / "nstor-2002.yaml"
    )
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (
        bundled.read_text()
        .replace("id: nstor-2002", "id: acme-2024")
        .replace("days: 20, section: 2(b)(i)", "days: 45, section: 2(b)(i)")
    )
    (profiles / "acme-2024.yaml").write_text(text)
    env["REGRIGHTS_PROFILES_DIR"] = str(profiles)
    code, bound = run_json(env, "--channel", "acme", "setup", "acme-2024")
    assert code == 0 and bound["agreement"] == "acme-2024"
    run_json(env, "--channel", "acme", "--as-of", "2026-03-02", "piggyback-notice")
    code, deadlines = run_json(env, "--channel", "acme", "--as-of", "2026-03-02", "deadlines")
    assert [d["due"] for d in deadlines["deadlines"]] == ["2026-04-16"]
