"""`regrights console`: type commands as in Slack; alerts print as they fire."""

from __future__ import annotations

import argparse

from bot.cli.common import as_of_day


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console = sub.add_parser(
        "console",
        help="type commands as in Slack; alerts print as they fire",
        description="Type commands as in Slack (`help` lists them, `quit` or Ctrl-D leaves); "
        "alerts print as they fire. An empty database gets nstor-2002 set up.",
    )
    console.add_argument("--as-of", metavar="YYYY-MM-DD", help="answer as if today were this date")
    console.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.console import run_console

    return run_console(as_of_day(args))
