"""Counsel's calendar (SPEC §10): an agreement's running deadlines as calendar entries, and the
secret URL a calendar application subscribes to (`calendar link`, `calendar reset`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from domain.rules.deadline_calendar import CalendarEntry, calendar_entries
from domain.rules.deadlines import running_deadlines
from domain.services import answers
from domain.services.agreement import ADMIN, Agreement, Caller, alert_leads, alert_time
from domain.services.grammar import CalendarLink
from domain.services.loading import agreement_by_id, bound_agreement
from domain.services.replies import Reply
from domain.store.calendar_tokens import agreement_for_token, feed_token, set_feed_token
from domain.store.unit_of_work import AgreementStore, UnitOfWork

# 256 bits from the operating system's CSPRNG, URL-safe: 43 characters.
TOKEN_BYTES = 32
FEED_PATH = "/calendar/{token}.ics"

RoleOf = Callable[[AgreementStore, int, str], str]


@dataclass(frozen=True)
class CalendarFeed:
    agreement: str
    title: str
    as_of: date
    alert_at: time
    entries: list[CalendarEntry]


@dataclass(frozen=True)
class FeedLink:
    title: str
    path: str
    url: str | None  # None when the bot's public address is not configured
    reset: bool


def feed_of(agreement: Agreement, today: date) -> CalendarFeed:
    deadlines = running_deadlines(agreement.state(), today)
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
        agreement = bound_agreement(store, caller.channel)
    return None if agreement is None else feed_of(agreement, agreement.today(caller))


def token_feed(uow: UnitOfWork, token: str, now: datetime) -> CalendarFeed | None:
    """The feed `token` opens; None if it opens none (never made, or reset since)."""
    with uow.read() as store:
        agreement_id = agreement_for_token(store.session, token)
        if agreement_id is None:
            return None
        agreement = agreement_by_id(store, agreement_id)
    return feed_of(agreement, now.astimezone(agreement.terms.zone).date())


def calendar_link(
    uow: UnitOfWork,
    role_of: RoleOf,
    public_url: str | None,
    command: CalendarLink,
    caller: Caller,
) -> Reply:
    """`calendar link` gives an admin the feed's URL, made on first use; `calendar reset`
    replaces it, and the old URL answers 404 from then on."""
    with uow.write() as store:
        agreement = bound_agreement(store, caller.channel)
        if agreement is None:
            return answers.unbound(caller)
        if role_of(store, agreement.id, caller.user) != ADMIN:
            store.session.rollback()
            what = "reset the calendar link" if command.reset else "see the calendar link"
            return answers.role_refusal(what, ADMIN)
        token = None if command.reset else feed_token(store.session, agreement.id)
        if token is None:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            set_feed_token(store.session, agreement.id, token, caller.user, caller.now)
    path = FEED_PATH.format(token=token)
    url = public_url.rstrip("/") + path if public_url else None
    return link_reply(FeedLink(agreement.terms.title, path, url, command.reset))


def link_reply(link: FeedLink) -> Reply:
    where = (
        f"<{link.url}>"
        if link.url
        else f"`{link.path}` on the bot's public HTTPS address (set REGRIGHTS_PUBLIC_URL "
        "to have the whole link here; the feed is served in HTTP mode)"
    )
    lines = [
        ("New calendar link" if link.reset else "Calendar link") + f" for *{link.title}*: {where}",
        "Subscribe to it in Outlook or Google Calendar (add a calendar from a URL): one "
        "all-day event per deadline, with its section and the action to take, never a "
        "delay's reason.",
        "Anyone holding the link can read the deadlines: share it only with counsel. "
        + (
            "The previous link no longer works."
            if link.reset
            else "`calendar reset` makes a new one and turns this one off."
        ),
    ]
    return Reply(
        ok=True,
        text="\n".join(lines),
        data={"ok": True, "url": link.url, "path": link.path, "reset": link.reset},
    )
