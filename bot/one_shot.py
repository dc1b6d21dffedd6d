"""`regrights cmd`: one command, printed as text or one JSON object; the exit status says how it went."""

from __future__ import annotations

import json
from datetime import date

from bot.command_text import strip_command_name
from bot.render.answers import render
from bot.runtime import build_service, open_database, utc_now
from bot.settings import Settings
from domain.services.grammar import UsageError, parse_date
from domain.services.replies import Reply
from domain.services.service import Caller


def run_cmd(words: list[str], *, as_of: str | None, user: str, channel: str, as_json: bool) -> int:
    if words[:1] == ["--"]:
        words = words[1:]  # `--` ends the options: `regrights cmd -- delay -5`
    text = strip_command_name(" ".join(words), Settings.from_env().command)
    return emit(_answer(text, as_of, user, channel), as_json=as_json)


def emit(reply: Reply, *, as_json: bool) -> int:
    """Print `reply` as text or as one JSON object; its exit status."""
    if as_json:
        print(json.dumps(reply.data, indent=2, sort_keys=False))
    else:
        print(render(reply.answer))
    return reply.exit_code


def _answer(text: str, as_of: str | None, user: str, channel: str) -> Reply:
    try:
        as_of_date: date | None = parse_date(as_of, "--as-of YYYY-MM-DD") if as_of else None
    except UsageError as exc:
        return Reply.malformed(f"--as-of: {exc.message}", exc.usage)
    settings = Settings.from_env()
    service = build_service(
        open_database(settings.database_url),
        settings.local_admins(user),
        profile_dirs=settings.profile_dirs,
    )
    caller = Caller(user=user, channel=channel, source="cli", now=utc_now(), as_of=as_of_date)
    service.bootstrap(caller)
    return service.handle(text, caller)
