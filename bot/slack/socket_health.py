"""Socket Mode's HTTP side, where no Slack request arrives over HTTP: the same WSGI app as HTTP
mode (`bot.http.app`), without `/slack/events`, on a small threaded server. `/healthz` is 200
while the socket to Slack is connected and the database answers, else 503 saying which is not;
the calendar feeds are served as in HTTP mode."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy import Engine

from bot.http.app import make_wsgi_app
from bot.http.calendar_route import Route
from domain.store.health import HealthCheck

log = logging.getLogger("regrights.health")


class SocketHealthServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Handler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def serve_socket_health(
    connected: Callable[[], bool],
    engine: Engine,
    port: int,
    host: str = "0.0.0.0",
    calendar: Route | None = None,
) -> SocketHealthServer:
    """Listening on `port` (0 picks one) and serving in a daemon thread; `shutdown()` stops it."""
    database = HealthCheck(engine)

    def health() -> tuple[int, Mapping[str, object]]:
        socket = connected()
        found = database.check()
        body: dict[str, object] = {
            "ok": socket and found.ok,
            "socket": "connected" if socket else "disconnected",
            "database": "reachable" if found.ok else found.reason,
        }
        return (200 if socket and found.ok else 503), body

    wsgi = make_wsgi_app(None, health, None, calendar)
    server = make_server(host, port, wsgi, server_class=SocketHealthServer, handler_class=_Handler)
    threading.Thread(
        target=server.serve_forever,
        name="socket-health",
        kwargs={"poll_interval": 0.2},
        daemon=True,
    ).start()
    assert isinstance(server, SocketHealthServer)
    return server
