"""The HTTP endpoint: Slack's signature and timestamp are checked, and /healthz tells the truth."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from slack_harness import EDITOR, SECRET, SlackBot, signed_headers, wait_for
from wsgi_server import WSGIThread

from bot.http.app import database_health, make_wsgi_app
from domain.store.database import make_engine
from domain.store.health import HealthCheck


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        bot.slack.reset()
        yield bot


def _command_body(bot: SlackBot, text: str) -> str:
    return urlencode(
        {
            "command": "/regrights",
            "text": text,
            "user_id": EDITOR,
            "channel_id": "C0DEALS",
            "team_id": "T0STANDIN",
            "response_url": bot.slack.new_response_url(),
            "trigger_id": "1.1.abc",
        }
    )


def _refused_and_nothing_happened(bot: SlackBot, response: requests.Response) -> None:
    assert response.status_code == 401
    assert bot.history() == []
    assert bot.slack.calls() == []  # no answer, no announcement: the listener never ran


FORM = "application/x-www-form-urlencoded"


def test_bad_signature_is_refused(bot: SlackBot) -> None:
    body = _command_body(bot, "s3-eligible on 2024-01-02")
    headers = signed_headers(body, FORM, secret="not-the-secret")
    _refused_and_nothing_happened(bot, bot.post(body, headers))


def test_body_changed_after_signing_is_refused(bot: SlackBot) -> None:
    body = _command_body(bot, "status")
    headers = signed_headers(body, FORM)
    tampered = body.replace("status", "s3-eligible")
    _refused_and_nothing_happened(bot, bot.post(tampered, headers))


def test_missing_signature_is_refused(bot: SlackBot) -> None:
    body = _command_body(bot, "s3-eligible on 2024-01-02")
    _refused_and_nothing_happened(bot, bot.post(body, {"Content-Type": FORM}))
    headers = signed_headers(body, FORM)
    del headers["X-Slack-Request-Timestamp"]
    _refused_and_nothing_happened(bot, bot.post(body, headers))


def test_timestamp_six_minutes_old_is_refused(bot: SlackBot) -> None:
    body = _command_body(bot, "s3-eligible on 2024-01-02")
    _refused_and_nothing_happened(bot, bot.post(body, signed_headers(body, FORM, age=6 * 60)))


def test_timestamp_four_minutes_old_is_accepted(bot: SlackBot) -> None:
    body = _command_body(bot, "s3-eligible on 2024-01-02")
    response = bot.post(body, signed_headers(body, FORM, age=4 * 60))
    assert response.status_code == 200
    wait_for(lambda: bot.slack.messages())
    assert len(bot.history()) == 1


def test_other_paths_and_oversized_bodies(bot: SlackBot) -> None:
    body = _command_body(bot, "status")
    assert bot.post(body, signed_headers(body, FORM), path="/elsewhere").status_code == 404
    assert requests.get(bot.url + "/slack/events", timeout=5).status_code == 405
    # Refused on its Content-Length alone, before a byte of the body is read.
    connection = http.client.HTTPConnection("127.0.0.1", bot.server.port, timeout=5)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Length", str(2 << 20))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
    assert bot.slack.calls() == []


def test_healthz_when_the_database_is_reachable(bot: SlackBot) -> None:
    response = requests.get(bot.url + "/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    head = requests.head(bot.url + "/healthz", timeout=5)
    assert head.status_code == 200
    assert head.content == b""


def test_healthz_when_the_database_is_unreachable(bot: SlackBot, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'regrights.sqlite3'}")
    with WSGIThread(make_wsgi_app(bot.app, database_health(HealthCheck(engine)), SECRET)) as server:
        response = requests.get(server.url + "/healthz", timeout=5)
        assert response.status_code == 503
        assert response.json() == {"ok": False, "error": "the database is unreachable"}
        assert requests.head(server.url + "/healthz", timeout=5).status_code == 503


def test_healthz_reports_a_full_disk(bot: SlackBot) -> None:
    """A disk with less room than a write needs (here: less than all the room there could be)
    fails the check, naming why, although `SELECT 1` still answers."""
    full = HealthCheck(bot.engine, min_free_bytes=1 << 62)
    with WSGIThread(make_wsgi_app(bot.app, database_health(full), SECRET)) as server:
        response = requests.get(server.url + "/healthz", timeout=5)
    assert response.status_code == 503
    assert "disk is full" in response.json()["error"]
