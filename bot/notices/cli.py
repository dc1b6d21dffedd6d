"""`regrights notice KIND [on D] [by hand|mail] --out FILE.docx`."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.local_session import open_local
from bot.notices.render import render_notice
from bot.settings import Settings
from domain.rules.violation import RuleViolation
from domain.services import answers
from domain.services.audit import NotBound
from domain.services.grammar import NoticeRequest, UsageError, parse
from domain.services.notice_replies import notice_refusal, notice_reply
from domain.services.notices import NoticeDesk
from domain.services.replies import Reply


def run_notice(words: list[str], *, channel: str, user: str, out: str) -> int:
    reply = _draft(words, channel, user, Path(out))
    print(reply.text, file=sys.stdout if reply.ok else sys.stderr)
    return reply.exit_code


def _draft(words: list[str], channel: str, user: str, out: Path) -> Reply:
    try:
        request = parse(" ".join(["notice", *words]))
    except UsageError as exc:
        return Reply.malformed(exc.message, exc.usage)
    assert isinstance(request, NoticeRequest)
    if out.suffix.lower() != ".docx":
        return Reply.malformed(f"--out {out}: a notice is written as a .docx file", None)
    local = open_local(channel, user)
    try:
        draft = NoticeDesk(local.service.uow).draft(request, local.caller)
    except NotBound:
        return answers.unbound(local.caller)
    except RuleViolation as violation:
        return notice_refusal(request.kind.value, violation)
    try:
        out.write_bytes(render_notice(draft, Settings.from_env().notice_templates))
    except OSError as exc:
        return Reply.malformed(f"cannot write {out}: {exc.strerror}", None)
    return notice_reply(draft, str(out))
