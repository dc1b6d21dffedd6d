"""HTTP mode: `POST /slack/events` through Bolt and `GET /healthz`, on a threaded stdlib server."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from slack_bolt import App
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.slack.executor import AfterAckExecutor
from bot.slack.inbound import BadRequest, bolt_request

log = logging.getLogger("regrights.http")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few kilobytes


class SlackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog. socketserver's default of 5 drops connections arriving in a burst,
    # and the client's SYN is retried only after a second: commands 1 s late, or reset.
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], app: App, engine: Engine, signing_secret: str
    ) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.engine = engine
        self.signing_secret = signing_secret

    def after_ack(self) -> AbstractContextManager[None]:
        """Around dispatching and answering one request: the work it starts in Bolt's pool
        waits until the ack is written, rather than slowing the ack down."""
        executor = self.app.listener_runner.listener_executor
        return executor.holding() if isinstance(executor, AfterAckExecutor) else nullcontext()


def make_http_server(
    app: App, engine: Engine, port: int, host: str = "0.0.0.0", *, signing_secret: str
) -> SlackHTTPServer:
    """Bound and listening; the caller runs `serve_forever()` (port 0 picks a free one)."""
    return SlackHTTPServer((host, port), app, engine, signing_secret)


def database_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("health check: the database is unreachable", exc_info=True)
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    server: SlackHTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle or trickling connection gives its thread back

    def do_GET(self) -> None:
        if urlsplit(self.path).path != HEALTH_PATH:
            self._send(404, {"ok": False, "error": "not found"})
        elif database_reachable(self.server.engine):
            self._send(200, {"ok": True})
        else:
            self._send(503, {"ok": False, "error": "database unreachable"})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        raw_length = self.headers.get("Content-Length") or "0"
        if url.path != EVENTS_PATH:
            self._refuse(404, "not found")
            return
        if not raw_length.isdigit():
            self._refuse(400, "bad Content-Length")
            return
        length = int(raw_length)
        if length > MAX_BODY_BYTES:
            self._refuse(413, "request too large")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        headers: dict[str, str | Sequence[str]] = {
            name: self.headers.get_all(name, []) for name in self.headers
        }
        try:
            request = bolt_request(body, url.query, headers, self.server.signing_secret)
        except BadRequest as bad:
            log.warning("refused a request from %s: %s", self.address_string(), bad.reason)
            self._send(bad.status, {"ok": False, "error": bad.reason})
            return
        with self.server.after_ack():
            response = self.server.app.dispatch(request)
            self._reply(response.status, response.body.encode("utf-8"), response.headers)

    def _refuse(self, status: int, error: str) -> None:
        self.close_connection = True  # its unread body must not be taken for a next request
        self._send(status, {"ok": False, "error": error})

    def _send(self, status: int, payload: dict[str, object]) -> None:
        self._reply(status, json.dumps(payload).encode(), {"content-type": ["application/json"]})

    def _reply(self, status: int, body: bytes, headers: Mapping[str, Sequence[str]]) -> None:
        self.send_response(status)
        for name, values in headers.items():
            if name.lower() != "content-length":
                for value in values:
                    self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s " + format, self.address_string(), *args)
