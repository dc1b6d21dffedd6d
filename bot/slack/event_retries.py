"""Events API retries. Slack sends an event again (X-Slack-Retry-Num) when it did not see the
ack in time, though the work may be under way: an event already seen is acknowledged and
left alone. Events are known by their event_id; the most recent ones are remembered."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

log = logging.getLogger("regrights.slack")

REMEMBERED_EVENTS = 10_000  # Slack retries within minutes; this many is hours of events


class SeenEvents:
    def __init__(self, limit: int = REMEMBERED_EVENTS) -> None:
        self._limit = limit
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """True the first time `event_id` is offered, False after (while it is remembered)."""
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            if len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return True


class OncePerEvent(Middleware):
    """Lets each event through once; an event delivered again is acknowledged and left alone.
    A `Middleware` is called as it is, where a middleware function has its arguments found
    and built on every request, events or not."""

    def __init__(self, seen: SeenEvents | None = None) -> None:
        self._seen = seen or SeenEvents()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and not self._seen.first_time(event_id):
            log.info("event %s delivered again: acknowledged, not handled twice", event_id)
            return BoltResponse(status=200, body="")
        return next()


def once_per_event(app: App, seen: SeenEvents | None = None) -> None:
    """Register the global middleware that lets each event through once."""
    app.use(OncePerEvent(seen))
