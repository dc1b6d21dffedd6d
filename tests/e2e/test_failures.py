"""Failures speak one line with SPEC §11's exit codes (2 malformed input or bad configuration,
3 unavailable), JSON with `cmd --json`, the traceback only with `--debug`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REGRIGHTS, cli_env
from slack_harness import SECRET
from slack_standin import SlackStandIn


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        yield slack


def regrights(
    env: dict[str, str], *args: str, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [REGRIGHTS, *args], env=env, stdin=stdin, capture_output=True, text=True, timeout=60
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def one_line(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert done.returncode == code, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("regrights: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in done.stdout + done.stderr


def test_invalid_bot_token_exits_2(slack: SlackStandIn, tmp_path: Path) -> None:
    env = cli_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SLACK_BOT_TOKEN="xoxb-wrong",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.api_url,
        PORT=str(free_port()),
    )
    one_line(regrights(env, "serve"), 2, "SLACK_BOT_TOKEN", "invalid_auth")


def test_unreachable_slack_exits_3(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = cli_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_APP_TOKEN="xapp-1",
        SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
    )
    one_line(regrights(env, "serve"), 3, "Slack is unreachable")


@pytest.mark.parametrize("port", ["abc", "70000", "-1"])
def test_bad_port_exits_2(slack: SlackStandIn, tmp_path: Path, port: str) -> None:
    env = cli_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.api_url,
        PORT=port,
    )
    one_line(regrights(env, "serve"), 2, "PORT must be a number from 1 to 65535")
    assert slack.calls() == []


def test_port_in_use_exits_2(slack: SlackStandIn, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        env = cli_env(
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
            PORT=str(taken.getsockname()[1]),
        )
        one_line(regrights(env, "serve"), 2, "is in use")


def test_missing_sqlite_folder_exits_3_and_json_is_json(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}")
    one_line(regrights(env, "cmd", "status"), 3, "database")
    done = regrights(env, "cmd", "--json", "status")
    assert done.returncode == 3 and done.stderr == ""
    answer = json.loads(done.stdout)
    assert answer["ok"] is False and answer["section"] is None and "database" in answer["error"]


def test_unreachable_postgres_exits_3(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = cli_env(f"postgresql://postgres@127.0.0.1:{port}/regrights")
    one_line(regrights(env, "cmd", "status"), 3, "database is unavailable")
    one_line(regrights(env, "tick"), 3, "database is unavailable")
    one_line(regrights(env, "db", "upgrade"), 3, "database is unavailable")


def test_missing_postgres_database_exits_3(postgres_server: str) -> None:
    env = cli_env("postgresql://postgres@127.0.0.1:5432/regrights_no_such_database")
    one_line(regrights(env, "cmd", "status"), 3, "does not exist")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}")
    done = regrights(env, "--debug", "cmd", "status")
    assert done.returncode == 3
    assert "Traceback" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("regrights: the SQLite database")


def test_a_reader_that_leaves_early_is_no_failure(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert regrights(env, "cmd", "s3-eligible", "on", "2026-01-05").returncode == 0
    read, write = os.pipe()
    os.close(read)  # like `| head -1` once it has its line
    done = subprocess.run(
        [REGRIGHTS, "cmd", "help"], env=env, stdout=write, stderr=subprocess.PIPE, timeout=60
    )
    os.close(write)
    assert done.returncode == 0
    assert done.stderr == b""


def test_ctrl_c_in_the_console_leaves_quietly(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    console = subprocess.Popen(
        [REGRIGHTS, "console"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert console.stdout is not None
    assert console.stdout.readline().startswith("regrights console")
    console.send_signal(signal.SIGINT)
    out, err = console.communicate(timeout=30)
    assert console.returncode == 0
    assert "Traceback" not in out + err


def test_version_and_help_describe_each_subcommand() -> None:
    done = regrights(dict(os.environ), "--version")
    assert done.returncode == 0 and done.stdout.startswith("regrights ")
    for sub in ("serve", "console", "cmd", "import", "tick", "export", "verify", "notice", "db"):
        helped = regrights(dict(os.environ), sub, "--help")
        assert helped.returncode == 0
        description = helped.stdout.split("\n\n")[1]
        assert description.strip(), helped.stdout
    serve_help = regrights(dict(os.environ), "serve", "--help").stdout
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT"):
        assert name in serve_help


def test_app_token_slack_refuses_exits_2(slack: SlackStandIn, tmp_path: Path) -> None:
    env = cli_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_APP_TOKEN="xapp-not-known",
        SLACK_API_URL=slack.api_url,
    )
    done = regrights(env, "serve")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    # serve logs as it starts; the failure is its last line
    assert done.stderr.splitlines()[-1].startswith("regrights: Slack refused SLACK_APP_TOKEN (")
