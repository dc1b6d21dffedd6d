"""`regrights console`: type commands as in Slack; alerts print as they fire."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.alerts.console_poster import ConsolePoster
from bot.alerts.scheduler import start_alert_scheduler
from bot.runtime import build_service, open_database, utc_now
from bot.settings import Settings
from domain.services.service import Caller, RegRightsService

PROMPT = "regrights> "
USER = CHANNEL = "console"


def run_console(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    settings = Settings.from_env()
    engine = open_database(settings.database_url)
    service = build_service(
        engine,
        settings.local_admins(USER),
        profile_dirs=settings.profile_dirs,
        public_url=settings.public_url,
    )
    service.bootstrap(_caller())
    stdout.write("regrights console — `help` lists the commands, `quit` leaves.\n")
    scheduler = start_alert_scheduler(engine, ConsolePoster(stdout))
    try:
        return converse(service, stdin, stdout)
    finally:
        scheduler.shutdown(wait=False)


def _caller() -> Caller:
    return Caller(user=USER, channel=CHANNEL, source="console", now=utc_now())


def converse(service: RegRightsService, stdin: TextIO, stdout: TextIO) -> int:
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip() in {"quit", "exit"}:
            return 0
        if not line.strip():
            continue
        reply = service.handle(line.strip(), _caller())
        stdout.write(reply.text + "\n")
        stdout.flush()
