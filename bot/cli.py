"""`regrights`: serve, console, cmd, tick and db upgrade. Heavy imports wait for the subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regrights",
        description="Keep the clocks of a registration rights agreement, in Slack or here.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "serve",
        help="run the bot: Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET, "
        "else the console",
    )
    console = sub.add_parser("console", help="type commands as in Slack; alerts print as they fire")
    console.add_argument("--as-of", metavar="YYYY-MM-DD", help="answer as if today were this date")
    cmd = sub.add_parser("cmd", help="run one command and exit")
    cmd.add_argument("--as-of", metavar="YYYY-MM-DD", help="answer as if today were this date")
    cmd.add_argument("--user", default="console", help="acting user (default: console)")
    cmd.add_argument("--channel", default="console", help="channel (default: console)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object")
    cmd.add_argument("text", nargs=argparse.REMAINDER, help="the command, e.g. delay 30")
    tick = sub.add_parser("tick", help="run one alert pass and exit (for cron)")
    tick.add_argument(
        "--at", metavar="ISO-DATETIME", help="run the pass as of this moment (no offset: UTC)"
    )
    tick.add_argument("--dry-run", action="store_true", help="show what would be posted")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "cmd":
        from bot.one_shot import run_cmd

        return run_cmd(
            args.text, as_of=args.as_of, user=args.user, channel=args.channel, as_json=args.json
        )
    if args.command == "console":
        from bot.console import run_console
        from domain.services.grammar import UsageError, parse_date

        try:
            as_of = parse_date(args.as_of, "--as-of YYYY-MM-DD") if args.as_of else None
        except UsageError as exc:
            print(f"regrights console: --as-of: {exc.message}", file=sys.stderr)
            return 2
        return run_console(as_of)
    if args.command == "serve":
        from bot.serve import serve

        return serve()
    if args.command == "tick":
        from bot.tick import run_tick

        return run_tick(at=args.at, dry_run=args.dry_run)
    from bot.settings import Settings
    from domain.store.database import make_engine
    from domain.store.migrate import upgrade

    revision = upgrade(make_engine(Settings.from_env().database_url))
    print(f"database at revision {revision}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
