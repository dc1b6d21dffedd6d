"""`GET /calendar/<token>.ics`: an agreement's deadlines for the calendar applications that
subscribe to them. WSGI-shaped (environ in; status, headers and body out), so any server
can mount it in front of the Slack endpoint."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.outputs.ics import feed_ics
from domain.services.calendar_feed import token_feed
from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.calendar")

CALENDAR_PATTERN = r"/calendar/.*"  # every such path is answered here, 404 unless a feed
# A token is 32 random bytes, URL-safe base64 without padding: 43 characters.
_FEED_PATH = re.compile(r"/calendar/([A-Za-z0-9_-]{43})\.ics")

Headers = list[tuple[str, str]]
Response = tuple[str, Headers, bytes]
Route = Callable[[Mapping[str, Any]], Response]

_PRIVATE = [
    ("Cache-Control", "private, no-cache"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
]


def calendar_route(uow: UnitOfWork, clock: Callable[[], datetime]) -> Route:
    def route(environ: Mapping[str, Any]) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in {"GET", "HEAD"}:
            return _plain("405 Method Not Allowed", "only GET", [("Allow", "GET, HEAD")])
        match = _FEED_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return _plain("404 Not Found", "no such calendar")
        now = clock()
        try:
            feed = token_feed(uow, match.group(1), now)
        except SQLAlchemyError:
            log.warning("calendar feed: the database is unreachable", exc_info=True)
            return _plain("503 Service Unavailable", "the database is unreachable")
        if feed is None:
            # Never made, or replaced by `calendar reset`: the same answer as any other path.
            return _plain("404 Not Found", "no such calendar")
        body = feed_ics(feed, now)
        headers = [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", f'inline; filename="{feed.agreement}.ics"'),
            *_PRIVATE,
        ]
        return "200 OK", headers, b"" if method == "HEAD" else body

    return route


def _plain(status: str, text: str, extra: Headers | None = None) -> Response:
    headers = [("Content-Type", "text/plain; charset=utf-8"), *_PRIVATE, *(extra or [])]
    return status, headers, (text + "\n").encode()
