"""`regrights import FILE`: a deal's history, one command per line, recorded all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import acting, as_of_day, emit, json_option


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imports = sub.add_parser(
        "import",
        parents=[acting(as_of=True)],
        help="record a history, one command per line, all or nothing",
        description="Record a history from FILE, one command per line, in one transaction: all "
        "of it, or nothing and the number of the first line malformed or refused.",
    )
    json_option(imports)
    imports.add_argument("file", metavar="FILE", help="one command per line; # starts a comment")
    imports.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.wiring import open_local
    from domain.services.replies import Reply

    path = args.file
    as_of = as_of_day(args)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return emit(Reply.malformed(f"cannot read {path}: {reason}", None), as_json=args.json)
    local = open_local(args.channel, args.user, source="import", as_of=as_of)
    return emit(local.service.import_history(text, local.caller), as_json=args.json)
