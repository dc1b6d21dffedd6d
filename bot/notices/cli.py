"""`regrights notice KIND [on D] [by hand|mail] --out FILE.docx`."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from bot.notices.render import render_notice
from bot.render.answers import render
from bot.settings import Settings
from bot.wiring import open_local
from domain.services.answers import NoticeDrafted
from domain.services.replies import Reply


def run_notice(words: list[str], *, channel: str, user: str, out: str) -> int:
    reply = _draft(words, channel, user, Path(out))
    print(render(reply.answer), file=sys.stdout if reply.ok else sys.stderr)
    return reply.exit_code


def _draft(words: list[str], channel: str, user: str, out: Path) -> Reply:
    if out.suffix.lower() != ".docx":
        return Reply.malformed(f"--out {out}: a notice is written as a .docx file", None)
    local = open_local(channel, user)
    reply = local.service.handle(" ".join(["notice", *words]), local.caller)
    if not isinstance(reply.answer, NoticeDrafted):
        return reply
    try:
        out.write_bytes(render_notice(reply.answer.draft, Settings.from_env().notice_templates))
    except OSError as exc:
        return Reply.malformed(f"cannot write {out}: {exc.strerror}", None)
    return replace(reply, answer=replace(reply.answer, filename=str(out)))
