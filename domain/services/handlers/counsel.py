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
    """`calendar link` gives the feed's address when it makes it, on first use, and after that
    only who made it and when; `calendar reset` replaces it, and the old address answers 404
    from then on. Admins only (the command table)."""
    # A write: the ORM is loaded here, not by the questions that share this module.
    from domain.store.calendar_tokens import feed_made, set_feed_token

    agreement, session = ctx.agreement, ctx.store.session
    made = None if command.reset else feed_made(session, agreement.id)
    if made is not None:  # kept only as its digest: shown once, when it was made (SPEC §14)
        made_by = (made.created_by, made.created_at)
        return Reply.answered(CalendarFeedLink(agreement.terms.title, None, None, False, made_by))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    set_feed_token(session, agreement.id, token, ctx.caller.user, ctx.caller.now)
    path = FEED_PATH.format(token=token)
    public = ctx.service.public_url
    url = public.rstrip("/") + path if public else None
    return Reply.answered(CalendarFeedLink(agreement.terms.title, path, url, command.reset))
