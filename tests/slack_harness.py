"""The Slack app over real HTTP for tests: a stand-in Slack Web API, a temp SQLite database,
the Bolt app on 127.0.0.1:0, and requests signed exactly as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import urlencode

import requests
from slack_standin import SlackStandIn
from wsgi_server import WSGIThread

from bot.http.app import database_health, make_wsgi_app
from bot.http.calendar_route import calendar_route
from bot.settings import Settings
from bot.slack.app import WRITE_SECONDS, build_app
from bot.wiring import build_service, open_database
from domain.services.service import Caller
from domain.store.health import HealthCheck

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0STANDIN"
CHANNEL = "C0DEALS"
ADMIN = "U0ADMIN"
EDITOR = "U0EDITOR"
READER = "U0READER"
NOW = datetime(2024, 6, 3, 15, 0, tzinfo=UTC)  # 11:00 in New York, a Monday

T = TypeVar("T")
_IDS = itertools.count(1)


def wait_for(probe: Callable[[], T], timeout: float = 5.0) -> T:
    """Poll until `probe` returns something truthy: answers arrive after the ack."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing arrived within {timeout} s")
        time.sleep(0.01)


def slack_signature(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str, content_type: str, *, age: float = 0, secret: str = SECRET
) -> dict[str, str]:
    timestamp = str(int(time.time() - age))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(secret, timestamp, body),
    }


class SlackBot:
    """`with SlackBot(tmp_path) as bot:` — the whole HTTP front end, torn down on exit."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        command: str = "/regrights",
        database_url: str | None = None,
        slack: SlackStandIn | None = None,
        read_history: bool = True,
    ) -> None:
        """`database_url` and `slack`: another instance's, for two instances of one app;
        `read_history`: REGRIGHTS_READ_HISTORY (on here, as most tests look for a post)."""
        self.read_history = read_history
        self.tmp_path = tmp_path
        self.command_name = command
        self.database_url = database_url or f"sqlite:///{tmp_path / 'regrights.sqlite3'}"
        # Slack stamps its messages with the real clock, whatever the service's says.
        self._own_slack = slack is None
        self.slack = slack or SlackStandIn(start_ts=time.time())
        self.slack.members = [ADMIN, EDITOR, READER, self.slack.bot_user_id]
        self._ids = _IDS  # trigger and event ids, unique across instances as Slack's are

    def __enter__(self) -> Self:
        if self._own_slack:
            self.slack.start()
        self.settings = Settings(
            database_url=self.database_url,
            bot_token=self.slack.bot_token,
            signing_secret=SECRET,
            app_token=None,
            api_url=self.slack.api_url,
            admins=frozenset({ADMIN}),
            command=self.command_name,
            port=0,
            read_history=self.read_history,
        )
        self.engine = open_database(self.settings.database_url)
        self.service = build_service(self.engine, self.settings.admins, write_seconds=WRITE_SECONDS)
        self.app = build_app(self.settings, self.service, clock=lambda: NOW)
        calendar = calendar_route(self.service.uow, lambda: NOW)
        health = database_health(HealthCheck(self.engine))
        self.wsgi = make_wsgi_app(self.app, health, SECRET, calendar)
        self.server = WSGIThread(self.wsgi).__enter__()
        self.url = self.server.url
        self.service.public_url = self.url  # where `calendar link` points
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.__exit__(*exc_info)
        # Lazy work still running after its ack finishes before Slack goes away.
        self.app.listener_runner.listener_executor.shutdown(wait=True)
        if self._own_slack:
            self.slack.stop()
        self.engine.dispose()

    # ------------------------------------------------------------- raw requests

    def post(
        self, body: str, headers: dict[str, str], path: str = "/slack/events"
    ) -> requests.Response:
        return requests.post(self.url + path, data=body.encode(), headers=headers, timeout=10)

    def slash(
        self,
        text: str,
        *,
        user: str = ADMIN,
        channel: str = CHANNEL,
        response_url: str | None = None,
        command: str | None = None,
        age: float = 0,
    ) -> tuple[requests.Response, str]:
        """POST a signed slash command; returns the HTTP response and its response_url."""
        response_url = response_url or self.slack.new_response_url()
        body = self.slash_body(
            text, user=user, channel=channel, response_url=response_url, command=command
        )
        return self.post(
            body, signed_headers(body, "application/x-www-form-urlencoded", age=age)
        ), response_url

    def slash_body(
        self,
        text: str,
        *,
        user: str = ADMIN,
        channel: str = CHANNEL,
        response_url: str | None = None,
        command: str | None = None,
    ) -> str:
        """A slash command's body, form-encoded as Slack sends it (sign it to send it)."""
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": TEAM,
                "team_domain": "standin",
                "channel_id": channel,
                "channel_name": "deals",
                "user_id": user,
                "user_name": user.lower(),
                "command": command or self.command_name,
                "text": text,
                "api_app_id": "A0REGRIGHTS",
                "response_url": response_url or self.slack.new_response_url(),
                "trigger_id": f"{next(self._ids)}.1.abc",
            }
        )

    def click_undo(self, message: dict[str, Any], user: str) -> str:
        """Click the Undo button on a stored announcement; returns the action's response_url."""
        (button,) = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
        response_url = self.slack.new_response_url()
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0REGRIGHTS",
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": message["channel"],
                "is_ephemeral": False,
            },
            "trigger_id": f"{next(self._ids)}.1.abc",
            "team": {"id": TEAM, "domain": "standin"},
            "channel": {"id": message["channel"], "name": "deals"},
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
        response = self.interact(payload)
        assert response.status_code == 200, response.text
        return response_url

    def interact(self, payload: dict[str, Any]) -> requests.Response:
        """POST a signed interaction payload (form-encoded, as Slack sends it)."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, signed_headers(body, "application/x-www-form-urlencoded"))

    def global_shortcut(self, callback_id: str, user: str) -> requests.Response:
        return self.interact(
            {
                "type": "shortcut",
                "token": "legacy-verification-token",
                "action_ts": "1717426800.000300",
                "team": {"id": TEAM, "domain": "standin"},
                "user": {"id": user, "username": user.lower(), "team_id": TEAM},
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": f"{next(self._ids)}.1.abc",
            }
        )

    def press_home_button(self, action_id: str, user: str) -> requests.Response:
        view = self.slack.published_views()[-1]["view"]
        return self.interact(
            {
                "type": "block_actions",
                "user": {"id": user, "username": user.lower(), "team_id": TEAM},
                "api_app_id": "A0REGRIGHTS",
                "token": "legacy-verification-token",
                "container": {"type": "view", "view_id": "V00000001"},
                "trigger_id": f"{next(self._ids)}.1.abc",
                "team": {"id": TEAM, "domain": "standin"},
                "is_enterprise_install": False,
                "view": {**view, "id": "V00000001", "state": {"values": {}}},
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": "forms",
                        "text": {"type": "plain_text", "text": action_id},
                        "action_ts": "1717426800.000400",
                    }
                ],
            }
        )

    def submit_view(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]], user: str
    ) -> requests.Response:
        """Submit a modal as opened, its inputs holding `values` (block_id: element state)."""
        return self.interact(
            {
                "type": "view_submission",
                "team": {"id": TEAM, "domain": "standin"},
                "user": {
                    "id": user,
                    "username": user.lower(),
                    "name": user.lower(),
                    "team_id": TEAM,
                },
                "api_app_id": "A0REGRIGHTS",
                "token": "legacy-verification-token",
                "trigger_id": f"{next(self._ids)}.1.abc",
                "view": {
                    **view,
                    "id": "VM0000001",
                    "team_id": TEAM,
                    "state": {"values": {block: {block: state} for block, state in values.items()}},
                    "hash": "1717426800.standin",
                    "previous_view_id": None,
                    "root_view_id": "VM0000001",
                    "app_id": "A0REGRIGHTS",
                    "external_id": "",
                    "app_installed_team_id": TEAM,
                    "bot_id": "B0STANDIN",
                },
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    def open_home(self, user: str) -> requests.Response:
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": TEAM,
                "api_app_id": "A0REGRIGHTS",
                "type": "event_callback",
                "event_id": f"Ev{next(self._ids):08d}",
                "event_time": int(NOW.timestamp()),
                "event": {
                    "type": "app_home_opened",
                    "user": user,
                    "channel": "D0HOME",
                    "tab": "home",
                    "event_ts": "1717426800.000200",
                },
            }
        )
        return self.post(body, signed_headers(body, "application/json"))

    # ---------------------------------------------------------- answered requests

    def ask(self, text: str, *, user: str = ADMIN, channel: str = CHANNEL) -> dict[str, Any]:
        """A command answered ephemerally (a question or a refusal): in the ack itself, or else
        its one response_url post. Nothing may have been posted in any channel."""
        posted = len(self.slack.calls("chat.postMessage"))
        response, url = self.slash(text, user=user, channel=channel)
        assert response.status_code == 200, response.text
        if response.text:
            answer: dict[str, Any] = response.json()
            assert self.slack.response_posts(url) == []
        else:
            (answer,) = wait_for(lambda: self.slack.response_posts(url))
        assert len(self.slack.calls("chat.postMessage")) == posted, "an answer reached the channel"
        return answer

    def record(
        self, text: str, *, user: str = ADMIN, channel: str = CHANNEL, private: bool = False
    ) -> Recorded:
        """A write, answered in its ack and announced in the channel; with `private`, the ack's
        ephemeral answer is returned too."""
        posted = len(self.slack.messages())
        response, url = self.slash(text, user=user, channel=channel)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert answer["response_type"] == "ephemeral"
        messages = wait_for(lambda: self.slack.messages()[posted:])
        wait_for(lambda: self.owed() == 0)  # and the app's record of it settled
        assert len(self.slack.messages()[posted:]) == 1, self.slack.messages()[posted:]
        return Recorded(messages[0], answer if private else None, url)

    # -------------------------------------------------------------- the database

    def owed(self) -> int:
        """Announcements not yet settled (posted, or refused by Slack)."""
        with self.engine.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT count(*) FROM announcement WHERE state = 'pending'"
            )
            return int(found.scalar_one())

    def history(self) -> list[dict[str, Any]]:
        caller = Caller(user=ADMIN, channel=CHANNEL, source="test", now=NOW)
        events: list[dict[str, Any]] = self.service.handle("history 200", caller).data["events"]
        return events


@dataclass(frozen=True)
class Recorded:
    message: dict[str, Any]  # the announcement, as the stand-in stored it
    answer: dict[str, Any] | None  # the asker's ephemeral answer, if any
    response_url: str


def all_text(item: dict[str, Any]) -> str:
    """Everything a message or response post shows, fallback and blocks alike."""
    return json.dumps(item, ensure_ascii=False)
