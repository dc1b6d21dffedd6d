"""The WSGI app of HTTP mode: `POST /slack/events` through Bolt's WSGI adapter,
`GET`/`HEAD /healthz`, and the calendar feeds (`GET /calendar/<token>.ics`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import nullcontext
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

from bot.http.calendar_route import CALENDAR_PATTERN, Route
from bot.http.router import Handler, Response, Router
from bot.slack.executor import AfterAckExecutor
from bot.slack.inbound import BadRequest, bolt_request
from domain.store.health import HealthCheck

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

log = logging.getLogger("regrights.http")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few kilobytes


def make_wsgi_app(
    app: App, health: HealthCheck, signing_secret: str, calendar: Route | None = None
) -> Router:
    router = Router()
    router.add("POST", EVENTS_PATH, SlackEvents(app, signing_secret))
    router.add("GET", HEALTH_PATH, lambda _environ, _params: _health(health))
    if calendar is not None:
        router.add("GET", CALENDAR_PATTERN, _mounted(calendar))
    return router


def _mounted(route: Route) -> Handler:
    def handle(environ: WSGIEnvironment, _params: Mapping[str, str]) -> Response:
        status, headers, body = route(environ)
        grouped: dict[str, list[str]] = {}
        for name, value in headers:
            grouped.setdefault(name, []).append(value)
        return Response(int(status.split()[0]), body, grouped)

    return handle


def _health(health: HealthCheck) -> Response:
    found = health.check()
    if found.ok:
        return Response.json(200, {"ok": True})
    return Response.json(503, {"ok": False, "error": found.reason})


class SlackEvents:
    """The signature and the timestamp's age are checked (401 if either is wrong), then the
    body is read by its content type (400 if malformed: `bot.slack.inbound`), then Bolt
    dispatches it. The work a listener starts is held until the server has written the ack
    (see `executor`)."""

    def __init__(self, app: App, signing_secret: str) -> None:
        self._app = app
        self._secret = signing_secret
        executor = app.listener_runner.listener_executor
        self._executor = executor if isinstance(executor, AfterAckExecutor) else None

    def __call__(self, environ: WSGIEnvironment, _params: Mapping[str, str]) -> Response:
        raw_length = environ.get("CONTENT_LENGTH") or "0"
        if not raw_length.isdigit():
            return Response.json(400, {"ok": False, "error": "bad Content-Length"})
        if int(raw_length) > MAX_BODY_BYTES:
            return Response.json(413, {"ok": False, "error": "request too large"})
        request = WsgiHttpRequest(environ)  # Bolt's WSGI adapter: the headers and the query
        body = environ["wsgi.input"].read(int(raw_length)).decode("utf-8", errors="replace")
        try:
            checked = bolt_request(body, request.query_string, request.get_headers(), self._secret)
        except BadRequest as bad:
            log.warning("refused a request from %s: %s", environ.get("REMOTE_ADDR"), bad.reason)
            return Response.json(bad.status, {"ok": False, "error": bad.reason})
        holding = self._executor.holding() if self._executor is not None else nullcontext()
        with holding as held:
            try:
                bolt = self._app.dispatch(checked)
            except BaseException:
                if held is not None:
                    held.release()  # what was started still runs; the server answers 500
                raise
        return Response(
            bolt.status,
            bolt.body.encode("utf-8"),
            bolt.headers,
            after=held.release if held is not None else None,
        )
