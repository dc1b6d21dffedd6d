"""Shared by the alert tests: an agreement with running deadlines, posters aimed at the Slack
stand-in, and a pass run in a process of its own that can die mid-post."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from conftest import said
from slack_standin import SlackStandIn
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.poster import AlertMessage
from bot.alerts.report import PassReport
from bot.alerts.scheduler import slack_poster
from bot.alerts.slack_poster import SlackPoster, alert_client
from bot.settings import Settings
from bot.wiring import build_service
from domain.services.service import Caller, RegRightsService
from domain.store.tables import AgreementRow, AlertRow
from domain.store.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "UADMIN"
CHANNEL = "CDEALS"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# Filed on 2025-09-20: the §2(a)(ii)(F) effectiveness deadline is Thursday 2026-03-19. Its
# 09:00 New York alerts: -14 on 03-05 (EST), then -7 03-12, -3 03-16, -1 03-18, 0 03-19,
# overdue 03-20 and 03-27 (EDT).
FILED = "2025-09-20"
RECORDED = utc(2026, 3, 1, 15)
LEAD_14 = utc(2026, 3, 5, 14)
LEAD_7 = utc(2026, 3, 12, 13)
LEAD_3 = utc(2026, 3, 16, 13)
LEAD_1 = utc(2026, 3, 18, 13)
DUE_DAY = utc(2026, 3, 19, 13)
OVERDUE_1 = utc(2026, 3, 20, 13)


class Agreement:
    """The service seen from one bound channel, recording at a chosen moment."""

    def __init__(self, service: RegRightsService, channel: str = CHANNEL) -> None:
        self.service = service
        self.channel = channel

    def say(self, text: str, now: datetime = RECORDED) -> str:
        reply = self.service.handle(text, Caller(ADMIN, self.channel, "test", now))
        assert reply.ok, said(reply)
        return said(reply)


def agreement(engine: Engine, channel: str = CHANNEL) -> Agreement:
    """The nstor-2002 agreement bound to `channel`, with the effectiveness clock running."""
    service = build_service(engine, frozenset({ADMIN}))
    service.bootstrap(Caller(ADMIN, channel, "test", RECORDED))
    deal = Agreement(service, channel)
    deal.say(f"filed on {FILED}")
    return deal


def another_agreement(engine: Engine, profile_id: str, channel: str) -> Agreement:
    """A second agreement on the same terms (one bundled profile), bound to `channel`."""
    uow = UnitOfWork(engine)
    with uow.write() as store:
        first = store.agreement(store.agreement_ids()[0])
        row = store.add_agreement(
            AgreementRow(
                profile_id=profile_id,
                profile_yaml=first.profile_yaml,
                created_at=RECORDED,
                created_by=ADMIN,
            )
        )
        assert row.id is not None
        store.bind(channel, row.id, ADMIN, RECORDED)
    deal = Agreement(build_service(engine, frozenset({ADMIN})), channel)
    deal.say(f"filed on {FILED}")
    return deal


def settings_for(slack: SlackStandIn) -> Settings:
    return replace(
        Settings.from_env(), bot_token=slack.bot_token, api_url=slack.api_url, read_history=True
    )


def poster_for(slack: SlackStandIn, timeout: int = 2) -> SlackPoster:
    settings = settings_for(slack)
    return slack_poster(settings, alert_client(settings, timeout=timeout))


def alert_rows(engine: Engine) -> list[AlertRow]:
    with Session(engine) as session:
        return list(session.exec(select(AlertRow).order_by(col(AlertRow.id))))


def next_alert_at(engine: Engine) -> list[datetime | None]:
    with Session(engine) as session:
        return list(session.exec(select(AgreementRow.next_alert_at).order_by(col(AgreementRow.id))))


def alert_keys(slack: SlackStandIn, channel: str | None = None) -> list[str]:
    return [m["metadata"]["event_payload"]["alert"] for m in slack.messages(channel)]


class Killed(BaseException):
    """The process dying: nothing after it runs, not even `except Exception`."""


class DiesAfterSlackAccepts(SlackPoster):
    def post(self, channel: str, message: AlertMessage) -> str:
        super().post(channel, message)
        raise Killed


def pass_in_a_process(
    database_url: str, slack: SlackStandIn, now: datetime, fate: str, timeout: int = 30
) -> subprocess.Popen[str]:
    """Run one pass in a child process. fate "exit-after-post": the process exits the instant
    Slack has accepted the message, before the bot records it; "live": it runs normally."""
    script = f"""
import os, sys
from dataclasses import replace
from datetime import datetime
from bot.alerts.alert_pass import run_alert_pass
from bot.alerts.slack_poster import SlackPoster, alert_client
from bot.settings import Settings
from domain.store.database import make_engine

class ExitAfterPost(SlackPoster):
    def post(self, channel, message):
        super().post(channel, message)
        os._exit(9)

settings = replace(Settings.from_env(), bot_token={slack.bot_token!r}, api_url={slack.api_url!r})
client = alert_client(settings, timeout={timeout})
poster = (ExitAfterPost if {fate!r} == "exit-after-post" else SlackPoster)(client, read_history=True)
run_alert_pass(make_engine({database_url!r}), poster, datetime.fromisoformat({now.isoformat()!r}))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", script], env=env, text=True, stderr=subprocess.PIPE
    )


def pass_until_held(engine: Engine, poster: SlackPoster, now: datetime) -> PassReport:
    """The next pass; if the server has not yet noticed a dead process's session, the one after
    (PostgreSQL frees its locks as it notices the closed connection, within moments)."""
    for _ in range(50):
        report = run_alert_pass(engine, poster, now)
        if not report.busy:
            return report
        time.sleep(0.1)
    raise AssertionError("the agreement stayed locked")
