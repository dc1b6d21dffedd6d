"""`regrights serve`: Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET (on
gunicorn), the console with no Slack setting at all and a terminal; the Slack modes apply the
migrations and run, in-process, the alert pass and the pass that posts the announcements still
owed (at start, then every minute)."""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import threading
from enum import Enum
from typing import TYPE_CHECKING

from bot.failures import Failure
from bot.settings import Settings
from domain.services.replies import ExitCode

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.slack.announcements import Announcements

ANNOUNCEMENT_PASS_SECONDS = 60
DELIVERY_PRUNE_SECONDS = 3600  # Slack delivery keys older than a day are forgotten hourly


class Mode(Enum):
    SOCKET = "socket"
    HTTP = "http"
    CONSOLE = "console"


def choose_mode(settings: Settings, *, terminal: bool) -> Mode:
    """The mode the settings ask for; incomplete Slack settings are named and refused."""
    if settings.app_token or settings.signing_secret:
        mode = Mode.SOCKET if settings.app_token else Mode.HTTP
        if not settings.bot_token:
            raise Failure(
                f"{mode.value} mode needs SLACK_BOT_TOKEN, which is not set", ExitCode.MALFORMED
            )
        return mode
    if settings.bot_token:
        raise Failure(
            "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor "
            "SLACK_APP_TOKEN (Socket Mode) is",
            ExitCode.MALFORMED,
        )
    if settings.api_url:
        raise Failure("SLACK_API_URL is set but no Slack token is", ExitCode.MALFORMED)
    if not terminal:
        raise Failure(
            "no Slack settings and stdin is not a terminal: set SLACK_BOT_TOKEN with "
            "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, or run `regrights console`",
            ExitCode.MALFORMED,
        )
    return Mode.CONSOLE


def serve() -> int:
    settings = Settings.from_env()
    mode = choose_mode(settings, terminal=sys.stdin.isatty())
    if mode is Mode.CONSOLE:
        from bot.console import run_console

        return run_console()
    if mode is Mode.HTTP:
        ensure_port_free(settings.host, settings.port)
    from bot.slack.token_check import check_bot_token

    check_bot_token(settings)
    return _serve_slack(settings, mode)


def ensure_port_free(host: str, port: int) -> None:
    """Fail with one line now rather than after gunicorn's retries."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Failure(
                    f"port {port} is in use (set PORT to another)", ExitCode.MALFORMED
                ) from exc
            if exc.errno == errno.EACCES:
                raise Failure(
                    f"port {port} needs privileges (set PORT above 1023)", ExitCode.MALFORMED
                ) from exc
            raise Failure(
                f"cannot listen on port {port}: {exc.strerror}", ExitCode.UNAVAILABLE
            ) from exc


def _serve_slack(settings: Settings, mode: Mode) -> int:
    from bot.alerts.scheduler import slack_poster, start_alert_scheduler
    from bot.slack.announcements import Announcements
    from bot.slack.app import WRITE_SECONDS, build_app
    from bot.slack.web_retries import web_client
    from bot.wiring import build_service, open_database, utc_now
    from domain.store.delivery_keys import prune as prune_deliveries

    engine = open_database(settings.database_url)
    service = build_service(
        engine,
        settings.admins,
        profile_dirs=settings.profile_dirs,
        public_url=settings.public_url,
        write_seconds=WRITE_SECONDS,
    )
    client = web_client(settings)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    announcements = Announcements(
        engine, client, owner, utc_now, read_history=settings.read_history
    )
    app = build_app(settings, service, client=client, announcements=announcements)
    log = logging.getLogger("regrights.serve")

    def start_background() -> BackgroundScheduler:
        """The alert pass, and the announcements a process that died (or a Slack that failed)
        left owed: both now, then every minute."""
        scheduler = start_alert_scheduler(engine, slack_poster(settings, client))
        scheduler.add_job(
            announcements.redrive,
            "interval",
            seconds=ANNOUNCEMENT_PASS_SECONDS,
            id="regrights-announcements",
            coalesce=True,
            max_instances=1,
            next_run_time=utc_now(),
        )
        scheduler.add_job(
            lambda: prune_deliveries(service.uow, utc_now()),
            "interval",
            seconds=DELIVERY_PRUNE_SECONDS,
            id="regrights-deliveries",
            coalesce=True,
            max_instances=1,
        )
        return scheduler

    if mode is Mode.HTTP:
        from bot.http.app import database_health, make_wsgi_app
        from bot.http.calendar_route import calendar_route
        from bot.http.server import Lifecycle, run_gunicorn
        from domain.store.health import HealthCheck
        from domain.store.unit_of_work import UnitOfWork

        engine.dispose()  # the worker process opens its own connections
        schedulers: list[BackgroundScheduler] = []

        def started() -> None:
            schedulers.append(start_background())
            log.info("serving HTTP on port %s, command %s", settings.port, settings.command)

        def stopping() -> None:
            # The lazy work of the requests answered (announcements) finishes first.
            app.listener_runner.listener_executor.shutdown(wait=True)
            for scheduler in schedulers:
                scheduler.shutdown(wait=True)

        assert settings.signing_secret is not None  # HTTP mode is chosen by it
        health = database_health(HealthCheck(engine))
        calendar = calendar_route(UnitOfWork(engine), utc_now)
        wsgi = make_wsgi_app(app, health, settings.signing_secret, calendar)
        status = run_gunicorn(wsgi, settings.host, settings.port, Lifecycle(started, stopping))
        return _stopped(announcements, status, log)

    from slack_sdk.errors import SlackApiError

    from bot.http.calendar_route import calendar_route
    from bot.slack.socket_health import serve_socket_health
    from bot.slack.socket_link import socket_alive, socket_handler  # not needed over HTTP
    from domain.store.unit_of_work import UnitOfWork

    scheduler = start_background()
    log.info("serving in Socket Mode, command %s", settings.command)
    socket_client = socket_handler(app, settings.app_token).client
    health_server = None
    if settings.health_port is not None:
        calendar = calendar_route(UnitOfWork(engine), utc_now)
        health_server = serve_socket_health(
            socket_alive(socket_client), engine, settings.health_port, calendar=calendar
        )
        log.info("health at :%s/healthz", health_server.server_port)
    try:
        try:
            socket_client.connect()
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            raise Failure(f"Slack refused SLACK_APP_TOKEN ({error})", ExitCode.MALFORMED) from exc
        threading.Event().wait()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        socket_client.close()
        if health_server is not None:
            health_server.shutdown()
        scheduler.shutdown(wait=False)
        app.listener_runner.listener_executor.shutdown(wait=True)
    return _stopped(announcements, 0, log)


def _stopped(announcements: Announcements, status: int, log: logging.Logger) -> int:
    """The exit status: 0 only when every write this process acknowledged is announced."""
    unfinished = announcements.unfinished()
    if unfinished:
        log.error(
            "stopped with %s acknowledged writes stored but not yet announced; "
            "the next start announces them",
            unfinished,
        )
        return status or ExitCode.UNAVAILABLE
    log.info("stopped")
    return status
