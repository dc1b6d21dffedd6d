"""Counsel's calendar (SPEC §10): an agreement's running deadlines as calendar entries, for a
file (`regrights calendar`) or for the feed a calendar subscribes to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from domain.rules.deadline_calendar import CalendarEntry, calendar_entries
from domain.rules.deadlines import running_deadlines
from domain.services.agreement import Agreement, Caller, alert_leads, alert_time
from domain.services.loading import bound_agreement, load_agreement
from domain.store.calendar_tokens import agreement_for_token
from domain.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CalendarFeed:
    agreement: str
    title: str
    as_of: date
    alert_at: time
    entries: list[CalendarEntry]


def feed_of(agreement: Agreement, today: date) -> CalendarFeed:
    deadlines = running_deadlines(agreement.state_on(today), today)
    return CalendarFeed(
        agreement=agreement.terms.id,
        title=agreement.terms.title,
        as_of=today,
        alert_at=alert_time(agreement),
        entries=calendar_entries(deadlines, alert_leads(agreement), agreement.calendar),
    )


def channel_feed(uow: UnitOfWork, caller: Caller) -> CalendarFeed | None:
    """The feed of the agreement bound to the caller's channel; None if none is."""
    with uow.read() as store:
        agreement = bound_agreement(store, caller.channel, through=caller.as_of)
    return None if agreement is None else feed_of(agreement, agreement.today(caller))


def token_feed(uow: UnitOfWork, token: str, now: datetime) -> CalendarFeed | None:
    """The feed `token` opens; None if it opens none (never made, or reset since)."""
    with uow.read() as store:
        agreement_id = agreement_for_token(store.session, token)
        if agreement_id is None:
            return None
        agreement = load_agreement(store, agreement_id)
    return feed_of(agreement, now.astimezone(agreement.terms.zone).date())
