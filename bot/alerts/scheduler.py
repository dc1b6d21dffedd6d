"""The alert pass on a timer inside a running bot (APScheduler 3.x)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.history_check import check_histories
from bot.alerts.poster import Poster
from bot.alerts.slack_poster import SlackPoster, alert_client
from bot.settings import Settings
from bot.wiring import utc_now

log = logging.getLogger("regrights.alerts")


def slack_poster(settings: Settings, client: WebClient | None = None) -> SlackPoster:
    """Posts to Slack with `client`, or with one built from the settings (SLACK_BOT_TOKEN,
    SLACK_API_URL) whose retries cannot duplicate a post."""
    return SlackPoster(client or alert_client(settings), read_history=settings.read_history)


def start_alert_scheduler(
    engine: Engine,
    poster: Poster,
    *,
    clock: Callable[[], datetime] = utc_now,
    interval_seconds: int = 60,
) -> BackgroundScheduler:
    """Start a background scheduler running one alert pass now and every `interval_seconds`.
    The caller stops it with `.shutdown()`."""

    def alert_pass() -> None:
        try:
            now = clock()
            report = run_alert_pass(engine, poster, now)
            check_histories(engine, poster, now, report)  # each whole chain, once a day
        except Exception:
            log.exception("alert pass failed; the next pass retries")
            return
        if report.posted or report.confirmed or report.pending or report.failed:
            log.info("alert pass: %s", report.summary())

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        alert_pass,
        "interval",
        seconds=interval_seconds,
        id="regrights-alert-pass",
        coalesce=True,
        max_instances=1,
        next_run_time=utc_now(),
    )
    scheduler.start()
    return scheduler
