"""The one WSGI app of both modes: `POST /slack/events` through Bolt (HTTP mode),
`GET`/`HEAD /healthz`, and the calendar feeds (`GET /calendar/<token>.ics`).

A request from Slack is checked and read before Bolt dispatches it. Bolt reads a form body as
an interaction whenever the word "payload" appears anywhere in it (so `/regrights help
payload`, or a command from #payload-team, found no listener), and a malformed body or
timestamp raised inside it. Here the signature is checked first, then the body is read by its
content type, and a request lacking what its kind needs is refused."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

from bot.http.calendar_route import CALENDAR_PATTERN, Route
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
    body is read by its content type (400 if malformed), then Bolt
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


# ------------------------------------------------------------------ a request from Slack

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# What each kind of request must name for its listener to know who asked, and where.
_INTERACTION_NEEDS = {
    "block_actions": ("user",),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
    "shortcut": ("user", "trigger_id"),
}


@dataclass(frozen=True)
class BadRequest(Exception):
    """Answered with `status` and nothing else done; `reason` goes to the log."""

    status: int
    reason: str


def bolt_request(
    body: str,
    query: str,
    headers: Mapping[str, str | Sequence[str]],
    signing_secret: str,
) -> BoltRequest:
    """The request for `App.dispatch`, or BadRequest (401 unsigned, 400 malformed)."""
    first = {name.lower(): _first(value) for name, value in headers.items()}
    timestamp = first.get("x-slack-request-timestamp", "")
    if not timestamp.isdigit():
        raise BadRequest(401, "missing or non-numeric X-Slack-Request-Timestamp")
    if not SignatureVerifier(signing_secret).is_valid(
        body, timestamp, first.get("x-slack-signature", "")
    ):
        raise BadRequest(401, "bad signature or stale timestamp")
    content_type = first.get("content-type", "").split(";", 1)[0].strip().lower()
    parsed = read_body(body, content_type)
    request = BoltRequest(body="", query=query, headers=dict(headers))
    request.raw_body = body  # for an app that keeps Bolt's own signature check on
    request.body = parsed
    request.context = build_context(BoltContext({}), parsed)
    return request


def read_body(body: str, content_type: str) -> dict[str, Any]:
    if content_type == JSON:
        event = _json_object(body, "the JSON body")
        if not isinstance(event.get("type"), str):
            raise BadRequest(400, "a JSON body without a type")
        return event
    if content_type != FORM:
        raise BadRequest(400, f"unexpected content type {content_type or 'none'!r}")
    try:
        fields = dict(parse_qsl(body, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise BadRequest(400, "a form body that is not URL-encoded") from None
    if "ssl_check" in fields:
        return fields  # Slack checking the certificate; Bolt answers it
    if "payload" in fields:
        return _interaction(_json_object(fields["payload"], "the payload"))
    if "command" in fields:
        missing = [f for f in ("user_id", "channel_id") if not fields.get(f)]
        if missing:
            raise BadRequest(400, f"a slash command without {', '.join(missing)}")
        return fields
    raise BadRequest(400, "a form body that is neither a command nor an interaction")


def _interaction(payload: dict[str, Any]) -> dict[str, Any]:
    kind = payload.get("type")
    if not isinstance(kind, str):
        raise BadRequest(400, "a payload without a type")
    user = payload.get("user")
    if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        raise BadRequest(400, f"a {kind} payload without user.id")
    missing = [f for f in _INTERACTION_NEEDS.get(kind, ()) if not payload.get(f)]
    if missing:
        raise BadRequest(400, f"a {kind} payload without {', '.join(missing)}")
    return payload


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise BadRequest(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise BadRequest(400, f"{what} is not a JSON object")
    return value


def _first(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return value
    return value[0] if value else ""
