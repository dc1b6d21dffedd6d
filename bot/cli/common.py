"""What the subcommands share: the channel and user they act as, the day they answer as of,
`--json`, and how an answer or a file is put out. The exit statuses are `ExitCode`'s."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.services.agreement import Caller
    from domain.services.replies import Reply


def acting(*, as_of: bool) -> argparse.ArgumentParser:
    """The parent parser of a subcommand that works on a channel's agreement as a user (and,
    with `as_of`, as of a day)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--channel", default="console", help="channel (default: console)")
    parent.add_argument("--user", default="console", help="acting user (default: console)")
    if as_of:
        parent.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="answer as if today were this date"
        )
    return parent


def json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def as_of_day(args: argparse.Namespace) -> date | None:
    """`--as-of`, read; a malformed one fails as malformed input (exit 2)."""
    from bot.failures import Failure
    from domain.services.grammar import UsageError, parse_date
    from domain.services.replies import ExitCode

    if args.as_of is None:
        return None
    try:
        return parse_date(args.as_of, "--as-of YYYY-MM-DD")
    except UsageError as exc:
        raise Failure(f"--as-of: {exc.message}", ExitCode.MALFORMED) from None


def emit(reply: Reply, *, as_json: bool) -> int:
    """Print `reply` as text or as one JSON object; its exit status."""
    if as_json:
        print(json.dumps(reply.data, indent=2, sort_keys=False))
    else:
        from bot.render.answers import render

        print(render(reply.answer))
    return reply.exit_code


def unbound(caller: Caller) -> int:
    """For the subcommands that put out a file or a record, not an answer: the refusal of a
    channel bound to no agreement, on stderr."""
    from bot.render.answers import render
    from domain.services.service import unbound as unbound_reply

    refusal = unbound_reply(caller)
    print(render(refusal.answer), file=sys.stderr)
    return refusal.exit_code


def write_file(out: str, content: bytes, what: str) -> int:
    """Write a counsel's file and say what it holds; a path that cannot be written is malformed
    input."""
    from bot.failures import Failure
    from domain.services.replies import ExitCode

    try:
        Path(out).write_bytes(content)
    except OSError as exc:
        raise Failure(f"cannot write {out}: {exc.strerror or exc}", ExitCode.MALFORMED) from None
    print(f"Wrote {what} to {out}.")
    return ExitCode.OK
