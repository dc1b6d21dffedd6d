"""`regrights serve` picks its mode from the settings, and runs the HTTP app for real."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import REGRIGHTS, cli_env
from serve_harness import Served
from slack_harness import wait_for
from slack_sdk import WebClient
from slack_standin import SlackStandIn

from bot.failures import Failure
from bot.http.server import MEMORY_TMP_DIR
from bot.serve import Mode, choose_mode, serve
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.web_retries import web_client
from bot.wiring import build_service, open_database

SLACK_ENV = ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_API_URL")


BASE = Settings(
    database_url=None,
    bot_token="xoxb-1",
    signing_secret=None,
    app_token=None,
    api_url=None,
    admins=frozenset(),
    command="/regrights",
    port=3000,
)


def _settings(**overrides: Any) -> Settings:
    return dataclasses.replace(BASE, **overrides)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(start_ts=time.time()) as slack:
        yield slack


def test_mode_follows_the_credentials() -> None:
    for terminal in (True, False):
        mode = choose_mode(_settings(app_token="xapp-1", signing_secret="s"), terminal=terminal)
        assert mode is Mode.SOCKET
        assert choose_mode(_settings(app_token="xapp-1"), terminal=terminal) is Mode.SOCKET
        assert choose_mode(_settings(signing_secret="s"), terminal=terminal) is Mode.HTTP
    assert choose_mode(_settings(bot_token=None), terminal=True) is Mode.CONSOLE


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({}, "neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode)"),
        ({"bot_token": None, "app_token": "xapp-1"}, "socket mode needs SLACK_BOT_TOKEN"),
        ({"bot_token": None, "signing_secret": "s"}, "http mode needs SLACK_BOT_TOKEN"),
        ({"bot_token": None, "api_url": "http://x"}, "SLACK_API_URL is set but no Slack token"),
    ],
)
def test_incomplete_slack_settings_are_named(overrides: dict[str, Any], named: str) -> None:
    with pytest.raises(Failure) as refused:
        choose_mode(_settings(**overrides), terminal=True)
    assert named in refused.value.message
    assert refused.value.exit_code == 2


def test_no_settings_and_no_terminal_is_refused() -> None:
    with pytest.raises(Failure, match="stdin is not a terminal"):
        choose_mode(_settings(bot_token=None), terminal=False)


def test_no_credentials_and_a_terminal_runs_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("bot.console.run_console", lambda: 42)
    assert serve() == 42


def test_serve_with_only_the_bot_token_exits_2_naming_what_is_missing(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", SLACK_BOT_TOKEN="xoxb-1")
    done = subprocess.run(
        [REGRIGHTS, "serve"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "regrights: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor "
        "SLACK_APP_TOKEN (Socket Mode) is"
    ]


def test_socket_mode_handler_uses_the_configured_web_api(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    """Socket Mode smoke check, with no connection: the handler talks to SLACK_API_URL."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = _settings(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        bot_token=slack.bot_token,
        app_token="xapp-1",
        api_url=slack.api_url,
    )
    engine = open_database(settings.database_url)
    app = build_app(settings, build_service(engine, settings.admins))
    handler = SocketModeHandler(app, settings.app_token)
    assert handler.client.web_client.base_url == slack.api_url
    assert [c.method for c in slack.calls()] == ["auth.test"]  # the token checked at start
    engine.dispose()


def test_serve_over_http_answers_a_command(slack: SlackStandIn, tmp_path: Path) -> None:
    served = Served(slack, tmp_path)
    try:
        assert requests.head(served.base + "/healthz", timeout=5).status_code == 200
        answered, _ = served.slash("setup nstor-2002")
        assert answered.status_code == 200
        # Each request on its own connection, as Slack sends them: none is kept open.
        assert answered.headers["Connection"].lower() == "close"
        (announced,) = wait_for(lambda: slack.messages("C0DEALS"))
        assert "nstor-2002" in announced["text"]
    finally:
        output = served.stop(signal.SIGINT)
    assert served.process.returncode == 0, output
    assert "Traceback" not in output, output


def test_the_worker_keeps_its_heartbeat_file_in_memory(slack: SlackStandIn, tmp_path: Path) -> None:
    # gunicorn's worker touches this file on every turn of its loop: on tmpfs, not on disk.
    served = Served(slack, tmp_path)
    try:
        children = Path(f"/proc/{served.process.pid}/task/{served.process.pid}/children")
        (worker,) = children.read_text().split()
        held = _open_files(int(worker))
    finally:
        served.stop(signal.SIGINT)
    assert any(name.startswith(f"{MEMORY_TMP_DIR}/") for name in held), held


def _open_files(pid: int) -> list[str]:
    """What process `pid` holds open: a descriptor it closes while they are read is passed over."""
    names = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):
            names.append(str(fd.readlink()))
    return names


def test_sigterm_right_after_an_ack_refuses_new_connections_and_announces_the_write(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    """A write acked just before SIGTERM is stored, and its announcement still goes out though
    Slack takes a second over it; meanwhile a new connection is refused at once."""
    served = Served(slack, tmp_path)
    try:
        today = date.today()
        for text in (
            "setup nstor-2002",
            f"s3-eligible on {today - timedelta(days=300)}",
            f"demand 1000 on {today - timedelta(days=30)}",
            f"filed on {today - timedelta(days=10)}",  # a registration for the delay (§2(d))
        ):
            recorded = len(slack.messages("C0DEALS"))
            assert served.slash(text)[0].status_code == 200
            wait_for(lambda n=recorded: len(slack.messages("C0DEALS")) > n)
        slack.latency = 1.0
        answered, _ = served.slash("delay 30 reason iii")
        assert answered.status_code == 200
        assert "Recorded #4" in answered.json()["text"]
        assert "Reason (iii)" in json.dumps(answered.json())  # the asker's own answer
        served.process.send_signal(signal.SIGTERM)
        wait_for(lambda: _refused(served.port), timeout=2)
        assert len(slack.messages("C0DEALS")) == 4  # the announcement is still under way
    finally:
        output = served.stop(signal.SIGTERM)
    assert served.process.returncode == 0, output
    announcements = slack.messages("C0DEALS")
    assert len(announcements) == 5, output
    assert "delay" in announcements[-1]["text"].lower()
    assert "Reason (iii)" not in json.dumps(announcements[-1])
    assert "Traceback" not in output, output


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_json_log_without_routine_scheduler_and_migration_lines(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    served = Served(slack, tmp_path, "--log-format", "json")
    assert served.slash("setup nstor-2002")[0].status_code == 200
    wait_for(lambda: slack.messages("C0DEALS"))
    output = served.stop(signal.SIGTERM)
    assert served.process.returncode == 0, output
    lines = [json.loads(line) for line in output.splitlines()]
    loggers = {line["logger"] for line in lines}
    assert "regrights.serve" in loggers, output
    assert not any(name.startswith(("apscheduler", "alembic")) for name in loggers), output
    assert all({"time", "level", "message"} <= line.keys() for line in lines)


def test_web_client_follows_slack_api_url() -> None:
    assert web_client(_settings()).base_url == "https://slack.com/api/"
    for url in ("https://api.slack-gov.com/api", "https://api.slack-gov.com/api/"):
        assert web_client(_settings(api_url=url)).base_url == "https://api.slack-gov.com/api/"


def test_build_app_takes_a_given_client(slack: SlackStandIn, tmp_path: Path) -> None:
    client = WebClient(base_url=slack.api_url, token=slack.bot_token)
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app = build_app(_settings(), build_service(engine, frozenset()), client=client)
    assert app.client is client
    engine.dispose()


def test_sigterm_with_slack_down_exits_3_and_the_next_start_announces(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    """The write is stored and acknowledged; Slack refuses its announcement until the process
    stops, which says so and exits 3; the next start posts it, once."""
    served = Served(slack, tmp_path)
    try:
        assert served.slash("setup nstor-2002")[0].status_code == 200
        wait_for(lambda: slack.messages("C0DEALS"))
        slack.fail_next("chat.postMessage", "service_unavailable", times=50)
        answered, _ = served.slash(f"s3-eligible on {date.today() - timedelta(days=300)}")
        assert "Recorded #1" in answered.json()["text"]
        wait_for(lambda: len(slack.calls("chat.postMessage")) >= 3)  # tried, looked, tried
    finally:
        output = served.stop(signal.SIGTERM)
    assert served.process.returncode == 3, output
    assert "1 acknowledged writes stored but not yet announced" in output, output
    slack.reset()
    again = Served(slack, tmp_path)
    try:
        (announced,) = wait_for(lambda: slack.messages("C0DEALS"), timeout=20)
        assert "Recorded #1" in announced["text"]
    finally:
        output = again.stop(signal.SIGTERM)
    assert again.process.returncode == 0, output
    assert len(slack.messages("C0DEALS")) == 1
