"""`regrights cmd`: one command, printed as text or one JSON object; the exit status says how
it went."""

from __future__ import annotations

import argparse

from bot.cli.common import acting, as_of_day, emit, json_option


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser(
        "cmd",
        parents=[acting(as_of=True)],
        help="run one command and exit",
        description="Run one command, e.g. `regrights cmd delay 30`, and exit with its status.",
    )
    json_option(cmd)
    cmd.add_argument("text", nargs=argparse.REMAINDER, help="the command, e.g. delay 30")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.settings import Settings
    from bot.wiring import open_local, strip_command_name

    words: list[str] = args.text
    if words[:1] == ["--"]:
        words = words[1:]  # `--` ends the options: `regrights cmd -- delay -5`
    as_of = as_of_day(args)
    text = strip_command_name(" ".join(words), Settings.from_env().command)
    local = open_local(args.channel, args.user, as_of=as_of)
    return emit(local.service.handle(text, local.caller), as_json=args.json)
