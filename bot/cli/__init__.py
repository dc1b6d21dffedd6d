"""`regrights`: one module per subcommand, each registering its parser and the function that
runs it. Heavy imports wait for the subcommand.

Every failure is one line on stderr (JSON on stdout with `--json`) and an exit status
(SPEC §11, `ExitCode`): 0 ok, 1 refused, 2 malformed input or bad configuration, 3 unavailable."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from bot.cli import (
    calendar,
    cmd,
    console,
    db,
    export,
    imports,
    notice,
    profile,
    serve,
    tick,
    timeline,
    verify,
)

# regrights uses no pydantic plugin: skip pydantic's scan of every installed package's entry
# points for one, which every one-shot command would otherwise pay for at start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

SUBCOMMANDS = (
    serve,
    console,
    cmd,
    imports,
    calendar,
    timeline,
    tick,
    export,
    verify,
    notice,
    profile,
    db,
)


class _PrintVersion(argparse.Action):
    """`--version`, reading the installed version only when asked (it costs an import)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import version

        print(f"regrights {version('regrights')}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="regrights",
        description="Keep the clocks of a registration rights agreement, in Slack or here.",
        epilog="Exit status: 0 ok, 1 refused (agreement or role), 2 malformed input or bad "
        "configuration, 3 unavailable (database, Slack), 70 an internal error.",
    )
    root.add_argument("--version", action=_PrintVersion, help="print the version and exit")
    root.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    root.add_argument(
        "--log-format", choices=("plain", "json"), default="plain", help="the log's format"
    )
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for subcommand in SUBCOMMANDS:
        subcommand.register(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from bot.logs import configure_logging

    # `serve` logs what it does; the others print their answer and log only what went wrong.
    configure_logging(args.log_format, logging.INFO if args.command == "serve" else logging.WARNING)
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 0 if args.command == "console" else 130
    except BrokenPipeError:
        # The reader left (`regrights cmd status | head -1`): nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        return _fail(exc, as_json=getattr(args, "json", False), debug=args.debug)


def _fail(exc: Exception, *, as_json: bool, debug: bool) -> int:
    from bot.failures import describe
    from domain.services.replies import ExitCode

    failure = describe(exc)
    if debug:
        traceback.print_exc()
    message = (
        failure.message
        if failure is not None
        else f"unexpected {exc.__class__.__name__}: {exc} (run with --debug for the traceback)"
    )
    code = int(failure.exit_code if failure is not None else ExitCode.BUG)
    if as_json:
        print(json.dumps({"ok": False, "error": message, "section": None, "exit_code": code}))
    else:
        print(f"regrights: {message}", file=sys.stderr)
    return code


__all__ = ["main"]
