"""`GET /healthz` in Socket Mode, where no HTTP server runs otherwise: 200 while the socket to
Slack is connected and the database answers, else 503 saying which is not."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from sqlalchemy import Engine

from bot.http.app import HEALTH_PATH
from domain.store.health import HealthCheck

log = logging.getLogger("regrights.health")


class SocketHealthServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], connected: Callable[[], bool], engine: Engine
    ) -> None:
        super().__init__(address, _Handler)
        self.connected = connected
        self.database = HealthCheck(engine)

    def health(self) -> tuple[int, dict[str, object]]:
        socket = self.connected()
        database = self.database.check()
        body: dict[str, object] = {
            "ok": socket and database.ok,
            "socket": "connected" if socket else "disconnected",
            "database": "reachable" if database.ok else database.reason,
        }
        return (200 if socket and database.ok else 503), body


def serve_socket_health(
    connected: Callable[[], bool], engine: Engine, port: int, host: str = "0.0.0.0"
) -> SocketHealthServer:
    """Listening on `port` (0 picks one) and serving in a daemon thread; `shutdown()` stops it."""
    server = SocketHealthServer((host, port), connected, engine)
    threading.Thread(
        target=server.serve_forever,
        name="socket-health",
        kwargs={"poll_interval": 0.2},
        daemon=True,
    ).start()
    return server


class _Handler(BaseHTTPRequestHandler):
    server: SocketHealthServer

    def do_GET(self) -> None:
        if urlsplit(self.path).path == HEALTH_PATH:
            status, body = self.server.health()
        else:
            status, body = 404, {"ok": False, "error": "not found"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)
