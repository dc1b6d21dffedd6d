"""The one global middleware, and what it puts in every request's context.

Events API retries: Slack sends an event again (X-Slack-Retry-Num) when it did not see the ack
in time, though the work may be under way; an event already seen is acknowledged and left
alone. Events are known by their event_id; the most recent ones are remembered."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.slack.announcements import Announcements
from domain.services.commands import Parsed, read_command
from domain.services.grammar import UsageError
from domain.services.service import Caller, RegRightsService

log = logging.getLogger("regrights.slack")

REMEMBERED_EVENTS = 10_000  # Slack retries within minutes; this many is hours of events


@dataclass(frozen=True)
class Deps:
    """What every listener finds in `context["deps"]`."""

    service: RegRightsService
    clock: Callable[[], datetime]
    announcements: Announcements
    templates: Path | None = None

    def caller(self, user: str, channel: str) -> Caller:
        return Caller(user=user, channel=channel, source="slack", now=self.clock())

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        # Bolt deep-copies the context for a lazy listener; these are shared, never copied.
        return self


def deps_of(context: BoltContext) -> Deps:
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps


def asked_of(context: BoltContext) -> Parsed | UsageError:
    """A slash command's text, as the middleware read it."""
    asked = context["asked"]
    assert isinstance(asked, Parsed | UsageError)
    return asked


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


class RegrightsMiddleware(Middleware):
    """Lets each event through once; puts `deps` in the context, and a slash command's text
    read once (`asked`). A `Middleware` is called as it is, where a middleware function has
    its arguments found and built on every request."""

    def __init__(self, deps: Deps, seen: SeenEvents | None = None) -> None:
        self._deps = deps
        self._seen = seen or SeenEvents()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and not self._seen.first_time(event_id):
            log.info("event %s delivered again: acknowledged, not handled twice", event_id)
            return BoltResponse(status=200, body="")
        req.context["deps"] = self._deps
        if "command" in body:
            req.context["asked"] = read_command(body.get("text") or "")
        return next()
