"""`regrights tick [--at ISO-DATETIME] [--dry-run]`: one alert pass, for cron.

Exit status: 0 when every alert due was posted (or already had been), 1 when some could not be
confirmed or an agreement's pass broke off (the next pass retries them), 2 for a malformed
`--at` or, with `--dry-run`, a database not yet migrated."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.alerts.report import PassReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    tick.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.alerts.alert_pass import run_alert_pass
    from bot.alerts.console_poster import ConsolePoster
    from bot.alerts.poster import Poster
    from bot.failures import Failure
    from bot.settings import Settings
    from bot.wiring import open_database, utc_now
    from domain.services.replies import ExitCode
    from domain.store.database import make_engine
    from domain.store.location import HEAD
    from domain.store.migrate import current_revision

    try:
        now = parse_moment(args.at) if args.at else utc_now()
    except ValueError as exc:
        raise Failure(f"--at: {exc}", ExitCode.MALFORMED) from None
    settings = Settings.from_env()
    if args.dry_run:
        engine = make_engine(settings.database_url)
        if current_revision(engine) != HEAD:
            raise Failure(
                "the database is not migrated; run `regrights db upgrade`", ExitCode.MALFORMED
            )
    else:
        engine = open_database(settings.database_url)
    poster: Poster = ConsolePoster()
    if settings.bot_token:
        from bot.alerts.slack_poster import SlackPoster, alert_client

        poster = SlackPoster(alert_client(settings), read_history=settings.read_history)
    report = run_alert_pass(engine, poster, now, dry_run=args.dry_run)
    if not args.dry_run:
        from bot.alerts.history_check import check_histories

        check_histories(engine, poster, now, report)  # each whole chain, once a day
    _print(report)
    return ExitCode.REFUSED if report.pending or report.failed else ExitCode.OK


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time; one without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO date-time, e.g. 2026-03-08T13:00:00Z or 2026-03-08T09:00-05:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _print(report: PassReport) -> None:
    from bot.render.markup import PLAIN

    mode = " (dry run: nothing is posted or recorded)" if report.dry_run else ""
    print(f"alert pass as of {report.now.astimezone(UTC).isoformat()}{mode}")
    for delivery in report.would_post:
        print(f"would post in {delivery.channel}: {PLAIN.inline(delivery.text)}")
    for delivery in report.pending:
        print(f"unconfirmed in {delivery.channel}: {delivery.key}")
    print(report.summary())
