"""`regrights notice KIND [on D] [by hand|mail] [--as-of D] --out FILE.docx`: the notice
drafted from the history, written as a Word file."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import acting, as_of_day

if TYPE_CHECKING:
    from domain.services.replies import Reply


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notice = sub.add_parser(
        "notice",
        parents=[acting(as_of=True)],
        help="draft a §9(b) notice as a Word file",
        description="Draft a §9(b) notice from the agreement as a Word (DOCX) file.",
    )
    notice.add_argument("--out", metavar="FILE.docx", required=True, help="where to write it")
    notice.add_argument(
        "words",
        nargs="+",
        help="delay|holders|requested-info|piggyback [on YYYY-MM-DD] [by hand|mail]",
    )
    notice.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.render.answers import render

    reply = _draft(args, Path(args.out))
    print(render(reply.answer), file=sys.stdout if reply.ok else sys.stderr)
    return reply.exit_code


def _draft(args: argparse.Namespace, out: Path) -> Reply:
    from bot.notices.render import render_notice
    from bot.settings import Settings
    from bot.wiring import open_local
    from domain.services.answers import NoticeDrafted
    from domain.services.replies import Reply

    if out.suffix.lower() != ".docx":
        return Reply.malformed(f"--out {out}: a notice is written as a .docx file", None)
    local = open_local(args.channel, args.user, as_of=as_of_day(args))
    reply = local.service.handle(" ".join(["notice", *args.words]), local.caller)
    if not isinstance(reply.answer, NoticeDrafted):
        return reply
    try:
        out.write_bytes(render_notice(reply.answer.draft, Settings.from_env().notice_templates))
    except OSError as exc:
        return Reply.malformed(f"cannot write {out}: {exc.strerror}", None)
    return replace(reply, answer=replace(reply.answer, filename=str(out)))
