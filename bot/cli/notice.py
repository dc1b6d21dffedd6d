"""`regrights notice KIND [on D] [by hand|mail] --out FILE.docx`: registered here, drafted by
`bot.notices.cli`."""

from __future__ import annotations

import argparse

from bot.cli.common import acting


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notice = sub.add_parser(
        "notice",
        parents=[acting(as_of=False)],
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
    from bot.notices.cli import run_notice

    return run_notice(args.words, channel=args.channel, user=args.user, out=args.out)
