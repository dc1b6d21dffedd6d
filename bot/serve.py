"""`regrights serve`: Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET, else the
console; the Slack modes apply the migrations and run the alert scheduler in-process."""

from __future__ import annotations

import logging
import sys
import threading
from enum import Enum

from bot.settings import Settings


class Mode(Enum):
    SOCKET = "socket"
    HTTP = "http"
    CONSOLE = "console"


def choose_mode(settings: Settings) -> Mode:
    if settings.app_token:
        return Mode.SOCKET
    if settings.signing_secret:
        return Mode.HTTP
    return Mode.CONSOLE


def serve() -> int:
    settings = Settings.from_env()
    mode = choose_mode(settings)
    if mode is Mode.CONSOLE:
        from bot.console import run_console

        return run_console()
    if not settings.bot_token:
        print(f"regrights serve: {mode.value} mode needs SLACK_BOT_TOKEN", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return _serve_slack(settings, mode)


def _serve_slack(settings: Settings, mode: Mode) -> int:
    from bot.alerts.scheduler import slack_poster, start_alert_scheduler
    from bot.runtime import build_service, open_database
    from bot.slack.app import build_app
    from bot.slack.http_server import make_http_server

    engine = open_database(settings.database_url)
    app = build_app(
        settings, build_service(engine, settings.admins, profile_dirs=settings.profile_dirs)
    )
    scheduler = start_alert_scheduler(engine, slack_poster(settings))
    log = logging.getLogger("regrights.serve")
    try:
        if mode is Mode.SOCKET:
            from slack_bolt.adapter.socket_mode import SocketModeHandler  # not needed over HTTP

            from bot.slack.socket_health import serve_socket_health

            log.info("serving in Socket Mode, command %s", settings.command)
            socket = SocketModeHandler(app, settings.app_token).client
            health = None
            if settings.health_port is not None:
                health = serve_socket_health(socket.is_connected, engine, settings.health_port)
                log.info("health at :%s/healthz", health.server_port)
            try:
                socket.connect()
                threading.Event().wait()
            finally:
                socket.close()
                if health is not None:
                    health.shutdown()
        else:
            assert settings.signing_secret is not None  # HTTP mode is chosen by it
            server = make_http_server(
                app, engine, settings.port, signing_secret=settings.signing_secret
            )
            log.info("serving HTTP on port %s, command %s", server.server_port, settings.command)
            server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        scheduler.shutdown(wait=False)
    return 0
