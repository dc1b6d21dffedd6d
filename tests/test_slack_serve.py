"""`regrights serve` picks its mode from the settings, and runs the HTTP app for real."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from slack_harness import ADMIN, SECRET, signed_headers, wait_for
from slack_sdk import WebClient
from slack_standin import SlackStandIn

from bot import serve as serve_module
from bot.runtime import build_service, open_database
from bot.serve import Mode, choose_mode, serve
from bot.settings import Settings
from bot.slack.app import build_app, web_client

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
    with SlackStandIn() as slack:
        yield slack


def test_mode_follows_the_credentials() -> None:
    assert choose_mode(_settings(app_token="xapp-1", signing_secret="s")) is Mode.SOCKET
    assert choose_mode(_settings(app_token="xapp-1")) is Mode.SOCKET
    assert choose_mode(_settings(signing_secret="s")) is Mode.HTTP
    assert choose_mode(_settings()) is Mode.CONSOLE


def test_no_credentials_runs_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("bot.console.run_console", lambda: 42)
    assert serve() == 42


def test_slack_modes_need_the_bot_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setattr(serve_module, "_serve_slack", lambda *_: pytest.fail("started"))
    assert serve() == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_over_http_answers_a_command(slack: SlackStandIn, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in SLACK_ENV},
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "REGRIGHTS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "REGRIGHTS_ADMINS": ADMIN,
        "PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(base), timeout=20)
        response_url = slack.new_response_url()
        body = urlencode(
            {
                "command": "/regrights",
                "text": "setup nstor-2002",
                "user_id": ADMIN,
                "channel_id": "C0DEALS",
                "team_id": "T0STANDIN",
                "response_url": response_url,
                "trigger_id": "1.1.abc",
            }
        )
        headers = signed_headers(body, "application/x-www-form-urlencoded")
        answered = requests.post(base + "/slack/events", data=body, headers=headers, timeout=5)
        assert answered.status_code == 200
        (announced,) = wait_for(lambda: slack.messages("C0DEALS"))
        assert "nstor-2002" in announced["text"]
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    assert process.returncode == 0, output.decode()
    assert b"Traceback" not in output, output.decode()


def _healthy(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


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
