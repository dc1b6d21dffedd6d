"""Counsel's outputs: the timeline, and the calendar feed's secret address."""

from __future__ import annotations

import secrets

from domain.services.answers import CalendarFeedLink
from domain.services.context import Context
from domain.services.grammar import CalendarLink, TimelineRequest
from domain.services.replies import Reply
from domain.services.timeline_view import timeline_of

# 256 bits from the operating system's CSPRNG, URL-safe: 43 characters.
TOKEN_BYTES = 32
FEED_PATH = "/calendar/{token}.ics"


def timeline(ctx: Context, command: TimelineRequest) -> Reply:
    return Reply.answered(timeline_of(ctx.agreement, ctx.caller))


def calendar_link(ctx: Context, command: CalendarLink) -> Reply:
    """`calendar link` gives the feed's address, made on first use; `calendar reset` replaces
    it, and the old address answers 404 from then on. Admins only (the command table)."""
    # A write: the ORM is loaded here, not by the questions that share this module.
    from domain.store.calendar_tokens import feed_token, set_feed_token

    agreement, session = ctx.agreement, ctx.store.session
    token = None if command.reset else feed_token(session, agreement.id)
    if token is None:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        set_feed_token(session, agreement.id, token, ctx.caller.user, ctx.caller.now)
    path = FEED_PATH.format(token=token)
    public = ctx.service.public_url
    url = public.rstrip("/") + path if public else None
    return Reply.answered(CalendarFeedLink(agreement.terms.title, path, url, command.reset))
