"""`regrights cmd`: one command, printed as text or one JSON object; the exit status says how it went."""

from __future__ import annotations

import json
from datetime import date

from bot.command_text import strip_command_name
from bot.quick_question import quick_answer
from bot.render.answers import render
from bot.settings import Settings
from domain.services.grammar import UsageError, parse_date
from domain.services.replies import Reply


def run_cmd(words: list[str], *, as_of: str | None, user: str, channel: str, as_json: bool) -> int:
    if words[:1] == ["--"]:
        words = words[1:]  # `--` ends the options: `regrights cmd -- delay -5`
    settings = Settings.from_env()
    text = strip_command_name(" ".join(words), settings.command)
    return emit(_answer(text, settings, as_of, user, channel), as_json=as_json)


def emit(reply: Reply, *, as_json: bool) -> int:
    """Print `reply` as text or as one JSON object; its exit status."""
    if as_json:
        print(json.dumps(reply.data, indent=2, sort_keys=False))
    else:
        print(render(reply.answer))
    return reply.exit_code


def _answer(text: str, settings: Settings, as_of: str | None, user: str, channel: str) -> Reply:
    try:
        as_of_date: date | None = parse_date(as_of, "--as-of YYYY-MM-DD") if as_of else None
    except UsageError as exc:
        return Reply.malformed(f"--as-of: {exc.message}", exc.usage)
    quick = quick_answer(text, settings, user=user, channel=channel, as_of=as_of_date)
    if quick is not None:
        return quick
    from bot.local_session import open_local  # the ORM: only when the quick path cannot answer

    local = open_local(channel, user, as_of=as_of_date)
    return local.service.handle(text, local.caller)
