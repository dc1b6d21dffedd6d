"""`regrights console`: type commands as in Slack; alerts print as they fire.

At a terminal it has line editing and a history (prompt_toolkit), and an alert printed while
you type appears above the prompt instead of through your line. Fed from a pipe, it reads one
command a line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.alerts.console_poster import ConsolePoster
from bot.alerts.scheduler import start_alert_scheduler
from bot.render.answers import render
from bot.settings import Settings
from bot.wiring import open_local, strip_command_name, utc_now
from domain.services.service import Caller, RegRightsService
from domain.store.database import display_url

PROMPT = "regrights> "
USER = CHANNEL = "console"
HISTORY_FILE = Path.home() / ".regrights_history"


def run_console(
    as_of: date | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    settings = Settings.from_env()
    local = open_local(CHANNEL, USER, source="console", as_of=as_of)
    engine, service = local.engine, local.service

    def caller() -> Caller:
        return Caller(user=USER, channel=CHANNEL, source="console", now=utc_now(), as_of=as_of)

    interactive = stdin.isatty() and stdout.isatty()
    with _alerts_above_the_prompt(interactive):
        out = sys.stdout if interactive else stdout
        out.write(banner(service, caller(), display_url(settings.database_url)) + "\n")
        scheduler = start_alert_scheduler(engine, ConsolePoster(out))
        try:
            lines = _typed_lines() if interactive else _piped_lines(stdin)
            return converse(service, lines, out, caller, settings.command)
        finally:
            scheduler.shutdown(wait=False)


def banner(service: RegRightsService, caller: Caller, database: str) -> str:
    seat = service.seat(caller)
    where = (
        f"agreement {seat.profile_id} ({seat.title}); you are {caller.user}, {seat.role}"
        if seat
        else "no agreement is bound to this console"
    )
    as_of = f" · as of {caller.as_of}" if caller.as_of else ""
    return (
        f"regrights console — database {database} · {where}{as_of}\n"
        '"help" lists the commands, "help <command>" explains one, "quit" leaves.'
    )


def converse(
    service: RegRightsService,
    lines: Iterator[str],
    out: TextIO,
    caller: Callable[[], Caller],
    command_name: str = "/regrights",
) -> int:
    for raw in lines:
        line = strip_command_name(raw.strip(), command_name)
        if line in {"quit", "exit"}:
            break
        if not line:
            continue
        reply = service.handle(line, caller())
        out.write(render(reply.answer) + "\n")
        out.flush()
    return 0


def _piped_lines(stdin: TextIO) -> Iterator[str]:
    yield from iter(stdin.readline, "")


def _typed_lines() -> Iterator[str]:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    session: PromptSession[str] = PromptSession(history=FileHistory(str(HISTORY_FILE)))
    while True:
        try:
            yield session.prompt(PROMPT)
        except EOFError:
            return
        except KeyboardInterrupt:
            continue  # Ctrl-C clears the line, as in a shell; Ctrl-D or `quit` leaves


@contextmanager
def _alerts_above_the_prompt(interactive: bool) -> Iterator[None]:
    if not interactive:
        yield
        return
    from prompt_toolkit.patch_stdout import patch_stdout

    with patch_stdout(raw=True):
        yield
