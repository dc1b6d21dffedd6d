"""Socket Mode end to end: the stand-in answers apps.connections.open with a ws://127.0.0.1 URL,
a local websocket server plays Slack's side (hello, a slash command, block_actions, disconnect),
and the bot acks, answers, reconnects, and reports the socket on /healthz."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from slack_harness import ADMIN, CHANNEL, NOW, TEAM, all_text, wait_for
from slack_standin import SlackStandIn
from websockets.sync.server import Server, ServerConnection, serve

from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.socket_health import SocketHealthServer, serve_socket_health
from bot.slack.socket_link import PING_SECONDS, socket_alive, socket_handler
from bot.wiring import build_service, open_database
from domain.services.service import Caller

APP_TOKEN = "xapp-standin"
_TRIGGERS = itertools.count(7)
TIMEOUT = 10.0


@dataclass
class SlackSocketSide:
    """Slack's end of the websocket: each connection the bot opens, and what it sent back."""

    server: Server
    connections: queue.Queue[ServerConnection] = field(default_factory=queue.Queue)
    received: queue.Queue[tuple[ServerConnection, dict[str, Any]]] = field(
        default_factory=queue.Queue
    )
    envelopes: int = 0

    def handle(self, connection: ServerConnection) -> None:
        self.connections.put(connection)
        for raw in connection:  # until the bot (or the test) closes the connection
            self.received.put((connection, json.loads(raw)))

    def accept(self, timeout: float = TIMEOUT) -> ServerConnection:
        """The next connection the bot opens, greeted as Slack greets it."""
        connection = self.connections.get(timeout=timeout)
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "applink-standin", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": "A0REGRIGHTS"},
                }
            )
        )
        return connection

    def send(self, connection: ServerConnection, kind: str, payload: dict[str, Any]) -> str:
        self.envelopes += 1
        envelope_id = f"env-{self.envelopes:04d}"
        connection.send(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": kind,
                    "accepts_response_payload": kind == "slash_commands",
                    "retry_attempt": 0,
                    "retry_reason": "",
                    "payload": payload,
                }
            )
        )
        return envelope_id

    def ack(self, connection: ServerConnection, envelope_id: str) -> dict[str, Any]:
        """The bot's acknowledgement of `envelope_id`, which must come on `connection`."""
        sender, message = self.received.get(timeout=TIMEOUT)
        assert sender is connection
        assert message["envelope_id"] == envelope_id, message
        return message


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(app_token=APP_TOKEN) as standin:
        yield standin


@pytest.fixture
def socket_side(slack: SlackStandIn) -> Iterator[SlackSocketSide]:
    side: SlackSocketSide
    server = serve(lambda connection: side.handle(connection), "127.0.0.1", 0)
    side = SlackSocketSide(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.socket.getsockname()[:2]
    slack.socket_url = f"ws://{host}:{port}/link/?ticket=standin"
    yield side
    server.shutdown()
    thread.join(timeout=5)


def _command(slack: SlackStandIn, text: str) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "standin",
        "channel_id": CHANNEL,
        "channel_name": "deals",
        "user_id": ADMIN,
        "user_name": "admin",
        "command": "/regrights",
        "text": text,
        "api_app_id": "A0REGRIGHTS",
        "is_enterprise_install": "false",
        "response_url": slack.new_response_url(),
        "trigger_id": f"{next(_TRIGGERS)}.1.abc",  # unique, as Slack's are
    }


def _undo_click(message: dict[str, Any], response_url: str) -> dict[str, Any]:
    (button,) = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return {
        "type": "block_actions",
        "user": {"id": ADMIN, "username": "admin", "team_id": TEAM},
        "api_app_id": "A0REGRIGHTS",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "trigger_id": "8.1.abc",
        "team": {"id": TEAM, "domain": "standin"},
        "channel": {"id": CHANNEL, "name": "deals"},
        "message": {k: v for k, v in message.items() if k != "channel"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "undo",
                "text": button["text"],
                "value": button["value"],
                "action_ts": "1717426800.000100",
            }
        ],
    }


def _health(server: SocketHealthServer) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{server.server_port}/healthz", timeout=5)


def test_socket_mode_end_to_end(
    tmp_path: Path, slack: SlackStandIn, socket_side: SlackSocketSide
) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'regrights.sqlite3'}",
        bot_token=slack.bot_token,
        signing_secret=None,
        app_token=APP_TOKEN,
        api_url=slack.api_url,
        admins=frozenset({ADMIN}),
        command="/regrights",
        port=0,
    )
    engine = open_database(settings.database_url)
    app = build_app(settings, build_service(engine, settings.admins), clock=lambda: NOW)
    client = SocketModeHandler(app, APP_TOKEN).client
    health = serve_socket_health(client.is_connected, engine, 0, host="127.0.0.1")
    try:
        assert _health(health).status_code == 503
        assert _health(health).json()["socket"] == "disconnected"

        client.connect()
        first = socket_side.accept()
        (opened,) = slack.calls("apps.connections.open")
        assert opened.token == APP_TOKEN
        assert wait_for(lambda: _health(health).status_code == 200)
        assert _health(health).json() == {
            "ok": True,
            "socket": "connected",
            "database": "reachable",
        }

        # A write: stored, answered in its ack, then announced in the channel.
        envelope = socket_side.send(first, "slash_commands", _command(slack, "setup nstor-2002"))
        acked = socket_side.ack(first, envelope)
        assert "Set up" in all_text(acked["payload"])
        wait_for(lambda: slack.messages(CHANNEL))

        # A question: answered in the ack itself.
        envelope = socket_side.send(first, "slash_commands", _command(slack, "help status"))
        answer = socket_side.ack(first, envelope)
        assert answer["payload"]["response_type"] == "ephemeral"
        assert "status" in all_text(answer["payload"])

        # A recorded event, then its Undo button clicked: block_actions over the socket.
        command = _command(slack, "s3-eligible on 2024-01-02")
        envelope = socket_side.send(first, "slash_commands", command)
        socket_side.ack(first, envelope)
        recorded = wait_for(
            lambda: [m for m in slack.messages(CHANNEL) if "Recorded #1" in m["text"]]
        )[0]
        undo_url = slack.new_response_url()
        envelope = socket_side.send(first, "interactive", _undo_click(recorded, undo_url))
        assert socket_side.ack(first, envelope) == {"envelope_id": envelope}
        (undone,) = wait_for(lambda: slack.response_posts(undo_url))
        assert "Undone: #1" in undone["text"]
        wait_for(lambda: slack.calls("chat.update"))

        # Slack asks the bot to move: it opens a new URL and a new connection.
        first.send(
            json.dumps(
                {
                    "type": "disconnect",
                    "reason": "refresh_requested",
                    "debug_info": {"host": "applink-standin"},
                }
            )
        )
        second = socket_side.accept()
        assert second is not first
        assert len(slack.calls("apps.connections.open")) == 2
        envelope = socket_side.send(second, "slash_commands", _command(slack, "status"))
        status = socket_side.ack(second, envelope)
        assert "nStor" in all_text(status["payload"])
        assert wait_for(lambda: _health(health).status_code == 200)
    finally:
        client.close()
    assert wait_for(lambda: _health(health).status_code == 503)
    health.shutdown()
    health.server_close()
    app.listener_runner.listener_executor.shutdown(wait=True)
    engine.dispose()


def test_serve_in_socket_mode_reports_its_socket_on_healthz(
    tmp_path: Path, slack: SlackStandIn, socket_side: SlackSocketSide
) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REGRIGHTS_"))},
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_APP_TOKEN": APP_TOKEN,
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
    try:
        # The process starts first: as long as the HTTP harness gives `serve` to start.
        connection = socket_side.accept(timeout=30)
        health = wait_for(lambda: _get_health(port), timeout=20)
        assert health == {"ok": True, "socket": "connected", "database": "reachable"}
        envelope = socket_side.send(connection, "slash_commands", _command(slack, "help"))
        assert "status" in all_text(socket_side.ack(connection, envelope)["payload"])
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output.decode()
    assert b"Traceback" not in output, output.decode()


def _get_health(port: int) -> dict[str, Any] | None:
    try:
        response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
    except requests.ConnectionError:
        return None
    found: dict[str, Any] = response.json()
    return found if response.status_code == 200 else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SilentLink:
    """A TCP relay between the bot and Slack's side that can go silent: it keeps every open
    connection but passes nothing more either way, as a NAT or proxy that dropped the socket
    does. Connections opened after that pass as before."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.silenced: set[int] = set()
        self.opened = 0
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def silence(self) -> None:
        """Every connection open now passes nothing more."""
        self.silenced |= set(range(self.opened))

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            number, self.opened = self.opened, self.opened + 1
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(number, a, b), daemon=True).start()

    def _pump(self, number: int, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            if number not in self.silenced:
                sink.sendall(data)

    def close(self) -> None:
        """Stop relaying and close every connection, so that Slack's side sees each one end
        (else its server waits out its close timeout on the silenced one)."""
        self.listener.close()
        for relayed in self.sockets:
            with contextlib.suppress(OSError):  # the peer may have closed it already
                relayed.shutdown(socket.SHUT_RDWR)
            relayed.close()


def test_a_silently_dropped_socket_is_replaced_within_10_s_and_healthz_says_so(
    tmp_path: Path, slack: SlackStandIn, socket_side: SlackSocketSide
) -> None:
    host, port = socket_side.server.socket.getsockname()[:2]
    link = SilentLink((host, port))
    slack.socket_url = f"ws://127.0.0.1:{link.port}/link/?ticket=standin"
    engine = open_database(f"sqlite:///{tmp_path / 'regrights.sqlite3'}")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'regrights.sqlite3'}",
        bot_token=slack.bot_token,
        signing_secret=None,
        app_token=APP_TOKEN,
        api_url=slack.api_url,
        admins=frozenset({ADMIN}),
        command="/regrights",
        port=0,
    )
    app = build_app(settings, build_service(engine, settings.admins), clock=lambda: NOW)
    client = socket_handler(app, APP_TOKEN).client
    health = serve_socket_health(socket_alive(client), engine, 0, host="127.0.0.1")
    try:
        client.connect()
        first = socket_side.accept()
        assert wait_for(lambda: _health(health).status_code == 200)
        time.sleep(2 * PING_SECONDS)  # pings answered: still alive
        assert _health(health).status_code == 200

        link.silence()
        dropped = time.monotonic()
        assert wait_for(lambda: _health(health).status_code == 503, timeout=10)
        second = socket_side.accept()
        assert time.monotonic() - dropped < 10
        assert second is not first
        assert wait_for(lambda: _health(health).status_code == 200, timeout=10)
        envelope = socket_side.send(second, "slash_commands", _command(slack, "help status"))
        assert "status" in all_text(_ack_on(socket_side, second, envelope)["payload"])
    finally:
        client.close()
        link.close()
        health.shutdown()
        health.server_close()
        app.listener_runner.listener_executor.shutdown(wait=True)
        engine.dispose()


def _ack_on(side: SlackSocketSide, connection: ServerConnection, envelope: str) -> dict[str, Any]:
    """The ack of `envelope` on `connection`, passing over what arrives on a dead one."""
    while True:
        sender, message = side.received.get(timeout=TIMEOUT)
        if sender is connection and message.get("envelope_id") == envelope:
            return message


def test_an_envelope_delivered_twice_is_recorded_once(
    tmp_path: Path, slack: SlackStandIn, socket_side: SlackSocketSide
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'regrights.sqlite3'}",
        bot_token=slack.bot_token,
        signing_secret=None,
        app_token=APP_TOKEN,
        api_url=slack.api_url,
        admins=frozenset({ADMIN}),
        command="/regrights",
        port=0,
    )
    engine = open_database(settings.database_url)
    service = build_service(engine, settings.admins)
    app = build_app(settings, service, clock=lambda: NOW)
    client = socket_handler(app, APP_TOKEN).client
    try:
        client.connect()
        connection = socket_side.accept()
        envelope = socket_side.send(
            connection, "slash_commands", _command(slack, "setup nstor-2002")
        )
        socket_side.ack(connection, envelope)
        caller = Caller(user=ADMIN, channel=CHANNEL, source="test", now=NOW)
        assert service.handle("s3-eligible on 2024-01-02", caller).ok
        assert service.handle("demand 1000 on 2024-05-01", caller).ok
        command = _command(slack, "filing-planned 2024-09-02")
        envelope = socket_side.send(connection, "slash_commands", command)
        assert "Recorded #3" in all_text(socket_side.ack(connection, envelope)["payload"])
        # Slack did not see that ack in time: the same envelope again, marked as a retry.
        connection.send(
            json.dumps(
                {
                    "envelope_id": envelope,
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "retry_attempt": 1,
                    "retry_reason": "timeout",
                    "payload": command,
                }
            )
        )
        again = socket_side.ack(connection, envelope)
        assert "Already recorded" in all_text(again["payload"])
        events = service.handle("history", caller).data["events"]
        assert [e["kind"] for e in events] == ["filing-planned", "demand", "s3-eligible"]
    finally:
        client.close()
        app.listener_runner.listener_executor.shutdown(wait=True)
        engine.dispose()
