"""The one WSGI app of both modes: `POST /slack/events` through Bolt (HTTP mode),
`GET`/`HEAD /healthz`, and the calendar feeds (`GET /calendar/<token>.ics`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

from bot.http.calendar_route import CALENDAR_PATTERN, Route
from bot.slack.inbound import BadRequest, bolt_request
from domain.store.health import HealthCheck

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("regrights.http")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
CALENDAR_PREFIX = CALENDAR_PATTERN.removesuffix(".*")
MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few kilobytes

Headers = list[tuple[str, str]]
# What /healthz answers: its status and body.
Health = Callable[[], tuple[int, Mapping[str, object]]]


def database_health(check: HealthCheck) -> Health:
    """HTTP mode's health: the database answers, and a SQLite disk has room."""

    def health() -> tuple[int, Mapping[str, object]]:
        found = check.check()
        return (200, {"ok": True}) if found.ok else (503, {"ok": False, "error": found.reason})

    return health


def make_wsgi_app(
    app: App | None, health: Health, signing_secret: str | None, calendar: Route | None = None
) -> WSGIApplication:
    """Without `app` and its signing secret (Socket Mode), `/slack/events` is not served."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        if path == EVENTS_PATH and app is not None and signing_secret is not None:
            found = (
                _slack_events(app, signing_secret, environ) if method == "POST" else _405("POST")
            )
        elif path == HEALTH_PATH:
            status, body = health()
            found = _json(status, body) if method in {"GET", "HEAD"} else _405("GET, HEAD")
        elif calendar is not None and path.startswith(CALENDAR_PREFIX):
            status_line, headers, content = calendar(environ)
            found = int(status_line.split()[0]), headers, content
        else:
            found = _json(404, {"ok": False, "error": "not found"})
        status, headers, content = found
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(content))))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [b"" if method == "HEAD" else content]

    return wsgi


def _slack_events(
    app: App, signing_secret: str, environ: WSGIEnvironment
) -> tuple[int, Headers, bytes]:
    """The signature and the timestamp's age are checked (401 if either is wrong), then the
    body is read by its content type (400 if malformed: `bot.slack.inbound`), then Bolt
    dispatches it."""
    raw_length = environ.get("CONTENT_LENGTH") or "0"
    if not raw_length.isdigit():
        return _json(400, {"ok": False, "error": "bad Content-Length"})
    if int(raw_length) > MAX_BODY_BYTES:
        return _json(413, {"ok": False, "error": "request too large"})
    request = WsgiHttpRequest(environ)  # Bolt's WSGI adapter: the headers and the query
    body = environ["wsgi.input"].read(int(raw_length)).decode("utf-8", errors="replace")
    try:
        checked = bolt_request(body, request.query_string, request.get_headers(), signing_secret)
    except BadRequest as bad:
        log.warning("refused a request from %s: %s", environ.get("REMOTE_ADDR"), bad.reason)
        return _json(bad.status, {"ok": False, "error": bad.reason})
    answered = app.dispatch(checked)
    headers = [(name, value) for name, values in answered.headers.items() for value in values]
    return answered.status, headers, answered.body.encode("utf-8")


def _json(status: int, payload: Mapping[str, object]) -> tuple[int, Headers, bytes]:
    return status, [("Content-Type", "application/json")], json.dumps(payload).encode()


def _405(allowed: str) -> tuple[int, Headers, bytes]:
    status, headers, body = _json(405, {"ok": False, "error": "method not allowed"})
    return status, [*headers, ("Allow", allowed)], body
