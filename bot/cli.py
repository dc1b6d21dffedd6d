"""`regrights`: serve, console, cmd, import, tick and db upgrade. Heavy imports wait for the subcommand."""

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
    imports = sub.add_parser(
        "import", help="record a history, one command per line, all or nothing"
    )
    imports.add_argument("--user", default="console", help="acting user (default: console)")
    imports.add_argument("--channel", default="console", help="channel (default: console)")
    imports.add_argument("--json", action="store_true", help="print one JSON object")
    imports.add_argument("file", metavar="FILE", help="one command per line; # starts a comment")
    tick = sub.add_parser("tick", help="run one alert pass and exit (for cron)")
    tick.add_argument(
        "--at", metavar="ISO-DATETIME", help="run the pass as of this moment (no offset: UTC)"
    )
    tick.add_argument("--dry-run", action="store_true", help="show what would be posted")
    export = sub.add_parser("export", help="write every recorded event (the audit trail)")
    _channel_options(export)
    export.add_argument("--format", choices=["csv", "json"], required=True, dest="fmt")
    verify = sub.add_parser("verify", help="check the history's hash chain; exit 1 if broken")
    _channel_options(verify)
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    notice = sub.add_parser("notice", help="draft a §9(b) notice as a Word file")
    _channel_options(notice)
    notice.add_argument("--out", metavar="FILE.docx", required=True, help="where to write it")
    notice.add_argument(
        "words",
        nargs="+",
        help="delay|holders|requested-info|piggyback [on YYYY-MM-DD] [by hand|mail]",
    )
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations")
    return parser


def _channel_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--channel", default="console", help="channel (default: console)")
    parser.add_argument("--user", default="console", help="acting user (default: console)")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "cmd":
        from bot.one_shot import run_cmd

        return run_cmd(
            args.text, as_of=args.as_of, user=args.user, channel=args.channel, as_json=args.json
        )
    if args.command == "import":
        from bot.importer import run_import

        return run_import(args.file, user=args.user, channel=args.channel, as_json=args.json)
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
    if args.command == "export":
        from bot.audit_cli import run_export

        return run_export(channel=args.channel, user=args.user, fmt=args.fmt)
    if args.command == "verify":
        from bot.audit_cli import run_verify

        return run_verify(channel=args.channel, user=args.user, as_json=args.json)
    if args.command == "notice":
        from bot.notices.cli import run_notice

        return run_notice(args.words, channel=args.channel, user=args.user, out=args.out)
    from bot.settings import Settings
    from domain.store.database import make_engine
    from domain.store.migrate import upgrade

    revision = upgrade(make_engine(Settings.from_env().database_url))
    print(f"database at revision {revision}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
