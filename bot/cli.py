"""`regrights`: serve, console, cmd, import, tick and db upgrade. Heavy imports wait for the
subcommand.

Every failure is one line on stderr (JSON on stdout with `--json`) and an exit status
(SPEC §11): 0 ok, 1 refused, 2 malformed input or bad configuration, 3 unavailable."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from bot.profile_cli import add_profile_command


class _PrintVersion(argparse.Action):
    """`--version`, reading the installed version only when asked (it costs an import)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import version

        print(f"regrights {version('regrights')}")
        parser.exit()


# regrights uses no pydantic plugin: skip pydantic's scan of every installed package's entry
# points for one, which every one-shot command would otherwise pay for at start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

EXIT_BUG = 70  # BSD's EX_SOFTWARE: none of SPEC §11's outcomes, a defect to report

SERVE_HELP = """\
Run the bot. The mode follows the environment:
  SLACK_APP_TOKEN       Socket Mode (with SLACK_BOT_TOKEN)
  SLACK_SIGNING_SECRET  HTTP mode on PORT (with SLACK_BOT_TOKEN): POST /slack/events, GET /healthz
  none of the above     the console, when stdin is a terminal
Other settings:
  SLACK_BOT_TOKEN         Bot User OAuth Token (xoxb-...), both Slack modes
  SLACK_API_URL           Slack Web API base URL (default Slack's)
  PORT                    HTTP port (default 3000)
  REGRIGHTS_DATABASE_URL  default sqlite:///regrights.sqlite3; postgresql://... for several instances
  REGRIGHTS_ADMINS        comma-separated Slack user IDs of the admins
  REGRIGHTS_COMMAND       the slash command (default /regrights)
  REGRIGHTS_PROFILES_DIR  folder(s) of extra agreement profiles, ':'-separated
Applies the database migrations and runs the alert scheduler in-process. SIGTERM stops taking
requests and finishes the work already acknowledged."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regrights",
        description="Keep the clocks of a registration rights agreement, in Slack or here.",
        epilog="Exit status: 0 ok, 1 refused (agreement or role), 2 malformed input or bad "
        "configuration, 3 unavailable (database, Slack), 70 an internal error.",
    )
    parser.add_argument("--version", action=_PrintVersion, help="print the version and exit")
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    parser.add_argument(
        "--log-format", choices=("plain", "json"), default="plain", help="the log's format"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter
    sub.add_parser(
        "serve",
        help="run the bot: Socket Mode, HTTP, or the console",
        description=SERVE_HELP,
        formatter_class=raw,
    )
    console = sub.add_parser(
        "console",
        help="type commands as in Slack; alerts print as they fire",
        description="Type commands as in Slack (`help` lists them, `quit` or Ctrl-D leaves); "
        "alerts print as they fire. An empty database gets nstor-2002 set up.",
    )
    console.add_argument("--as-of", metavar="YYYY-MM-DD", help="answer as if today were this date")
    cmd = sub.add_parser(
        "cmd",
        help="run one command and exit",
        description="Run one command, e.g. `regrights cmd delay 30`, and exit with its status.",
    )
    cmd.add_argument("--as-of", metavar="YYYY-MM-DD", help="answer as if today were this date")
    cmd.add_argument("--user", default="console", help="acting user (default: console)")
    cmd.add_argument("--channel", default="console", help="channel (default: console)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object")
    cmd.add_argument("text", nargs=argparse.REMAINDER, help="the command, e.g. delay 30")
    imports = sub.add_parser(
        "import",
        help="record a history, one command per line, all or nothing",
        description="Record a history from FILE, one command per line, in one transaction: all "
        "of it, or nothing and the number of the first line malformed or refused.",
    )
    imports.add_argument("--user", default="console", help="acting user (default: console)")
    imports.add_argument("--channel", default="console", help="channel (default: console)")
    imports.add_argument("--json", action="store_true", help="print one JSON object")
    imports.add_argument("--as-of", metavar="YYYY-MM-DD", help="import as if today were this date")
    imports.add_argument("file", metavar="FILE", help="one command per line; # starts a comment")
    for name, what, suffix in (
        ("calendar", "write the deadlines as an iCalendar file (RFC 5545)", "ics"),
        ("timeline", "draw the delays, their 12-month windows and the deadlines", "png"),
    ):
        counsel = sub.add_parser(name, help=what)
        counsel.add_argument("--out", required=True, metavar=f"FILE.{suffix}", help="write here")
        counsel.add_argument("--channel", default="console", help="channel (default: console)")
        counsel.add_argument("--user", default="console", help="acting user (default: console)")
        counsel.add_argument("--as-of", metavar="YYYY-MM-DD", help="as if today were this date")
    tick = sub.add_parser(
        "tick",
        help="run one alert pass and exit (for cron)",
        description="Run one alert pass and exit: 0 when every alert due was posted, 1 when some "
        "could not be confirmed (the next pass finishes them).",
    )
    tick.add_argument(
        "--at", metavar="ISO-DATETIME", help="run the pass as of this moment (no offset: UTC)"
    )
    tick.add_argument("--dry-run", action="store_true", help="show what would be posted")
    export = sub.add_parser(
        "export",
        help="write every recorded event (the audit trail)",
        description="Write every recorded event of the channel's agreement, as CSV or JSON, "
        "to stdout.",
    )
    _channel_options(export)
    export.add_argument("--format", choices=["csv", "json"], required=True, dest="fmt")
    verify = sub.add_parser(
        "verify",
        help="check the history's hash chain; exit 1 if broken",
        description="Check the database file (SQLite's integrity check) and the hash chain "
        "over the channel's agreement's history, and, with --against, that every event of an "
        "earlier export is still stored as it was: exit 0 when whole, 1 when a row was "
        "edited, deleted, inserted or renumbered, or the file is damaged.",
    )
    _channel_options(verify)
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.add_argument(
        "--against",
        metavar="FILE",
        help="an earlier `export --format json`: each of its events must still be stored as "
        "it was (catches a history trimmed at its end)",
    )
    notice = sub.add_parser(
        "notice",
        help="draft a §9(b) notice as a Word file",
        description="Draft a §9(b) notice from the agreement as a Word (DOCX) file.",
    )
    _channel_options(notice)
    notice.add_argument("--out", metavar="FILE.docx", required=True, help="where to write it")
    notice.add_argument(
        "words",
        nargs="+",
        help="delay|holders|requested-info|piggyback [on YYYY-MM-DD] [by hand|mail]",
    )
    add_profile_command(sub)
    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser(
        "upgrade",
        help="apply migrations",
        description="Apply the Alembic migrations to REGRIGHTS_DATABASE_URL.",
    )
    return parser


def _channel_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--channel", default="console", help="channel (default: console)")
    parser.add_argument("--user", default="console", help="acting user (default: console)")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from bot.logs import configure_logging

    # `serve` logs what it does; the others print their answer and log only what went wrong.
    configure_logging(args.log_format, logging.INFO if args.command == "serve" else logging.WARNING)
    as_json = getattr(args, "json", False)
    try:
        code = _run(args)
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
        return _fail(exc, as_json=as_json, debug=args.debug)


def _fail(exc: Exception, *, as_json: bool, debug: bool) -> int:
    from bot.failures import describe

    failure = describe(exc)
    if debug:
        traceback.print_exc()
    message = (
        failure.message
        if failure is not None
        else f"unexpected {exc.__class__.__name__}: {exc} (run with --debug for the traceback)"
    )
    code = failure.exit_code if failure is not None else EXIT_BUG
    if as_json:
        print(json.dumps({"ok": False, "error": message, "section": None, "exit_code": code}))
    else:
        print(f"regrights: {message}", file=sys.stderr)
    return code


def _run(args: argparse.Namespace) -> int:
    if args.command == "profile":
        return int(args.profile_run(args))
    if args.command == "cmd":
        from bot.one_shot import run_cmd

        return run_cmd(
            args.text, as_of=args.as_of, user=args.user, channel=args.channel, as_json=args.json
        )
    if args.command == "import":
        from bot.importer import run_import

        return run_import(
            args.file, user=args.user, channel=args.channel, as_json=args.json, as_of=args.as_of
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
    if args.command in {"calendar", "timeline"}:
        from bot.counsel_files import run_calendar, run_timeline

        run = run_calendar if args.command == "calendar" else run_timeline
        return run(args.out, channel=args.channel, user=args.user, as_of=args.as_of)
    if args.command == "tick":
        from bot.tick import run_tick

        return run_tick(at=args.at, dry_run=args.dry_run)
    if args.command == "export":
        from bot.audit_cli import run_export

        return run_export(channel=args.channel, user=args.user, fmt=args.fmt)
    if args.command == "verify":
        from bot.audit_cli import run_verify

        return run_verify(
            channel=args.channel, user=args.user, as_json=args.json, against=args.against
        )
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
