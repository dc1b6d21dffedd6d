"""`regrights tick [--at ISO-DATETIME] [--dry-run]`: one alert pass, for cron.

Exit status: 0 when every alert due was posted (or already had been), 1 when some could not be
confirmed or an agreement's pass broke off (the next pass retries them), 2 for a malformed
`--at` or, with `--dry-run`, a database not yet migrated."""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime

from bot.alerts.report import PassReport
from bot.clock import utc_now
from bot.render.markup import PLAIN
from bot.settings import Settings
from domain.store.location import HEAD
from domain.store.plain_sqlite import PlainSqliteReads


def run_tick(at: str | None, dry_run: bool) -> int:
    try:
        now = parse_moment(at) if at else utc_now()
    except ValueError as exc:
        print(f"regrights tick: --at: {exc}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    if _nothing_due(settings, now):
        report = PassReport(now, dry_run)
        _print(report)
        return 0
    # Something may be due: the whole alert machinery, the ORM and (with a token) Slack's client.
    from bot.alerts.alert_pass import run_alert_pass
    from bot.alerts.console_poster import ConsolePoster
    from bot.alerts.poster import Poster
    from bot.runtime import open_database
    from domain.store.database import make_engine
    from domain.store.migrate import current_revision

    if dry_run:
        engine = make_engine(settings.database_url)
        if current_revision(engine) != HEAD:
            print(
                "regrights tick: the database is not migrated; run `regrights db upgrade`",
                file=sys.stderr,
            )
            return 2
    else:
        engine = open_database(settings.database_url)
    poster: Poster = ConsolePoster()
    if settings.bot_token:
        from bot.alerts.slack_poster import SlackPoster, alert_client

        poster = SlackPoster(alert_client(settings), read_history=settings.read_history)
    report = run_alert_pass(engine, poster, now, dry_run=dry_run)
    if not dry_run:
        from bot.alerts.history_check import check_histories

        check_histories(engine, poster, now, report)  # each whole chain, once a day
    _print(report)
    return 1 if report.pending or report.failed else 0


def _nothing_due(settings: Settings, now: datetime) -> bool:
    """Whether a migrated SQLite database says at once that no agreement's alert time has
    come, read without loading the ORM. False whenever it cannot be told that way."""
    try:
        reads = PlainSqliteReads.of_migrated(settings.database_url)
        if reads is None:
            return False
        with reads.read() as store:
            return not store.due_for_alerts(now)
    except sqlite3.Error:
        return False


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
    mode = " (dry run: nothing is posted or recorded)" if report.dry_run else ""
    print(f"alert pass as of {report.now.astimezone(UTC).isoformat()}{mode}")
    for delivery in report.would_post:
        print(f"would post in {delivery.channel}: {PLAIN.inline(delivery.text)}")
    for delivery in report.pending:
        print(f"unconfirmed in {delivery.channel}: {delivery.key}")
    print(report.summary())
