"""The one global middleware, and what it puts in every request's context.

Events API retries: Slack sends an event again (X-Slack-Retry-Num) when it did not see the ack
in time, though the work may be under way; an event already seen, by any instance, is
acknowledged and left alone (`domain.store.delivery_keys`). A command or an interaction
carries its delivery key in the context (`DELIVERY`) for the write it causes to claim."""

from __future__ import annotations

import logging
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
from domain.store.agreement_store import AgreementStore
from domain.store.delivery_keys import AlreadyDelivered

log = logging.getLogger("regrights.slack")

DELIVERY = "delivery"  # the context key of the request's delivery key, if it has one


@dataclass(frozen=True)
class Deps:
    """What every listener finds in `context["deps"]`."""

    service: RegRightsService
    clock: Callable[[], datetime]
    announcements: Announcements
    templates: Path | None = None

    def caller(self, user: str, channel: str) -> Caller:
        return Caller(user=user, channel=channel, source="slack", now=self.clock())

    def claim(self, store: AgreementStore, context: BoltContext) -> None:
        """Inside a write's transaction: claims the request's delivery key, if it has one;
        raises AlreadyDelivered when another delivery of it claimed it first."""
        key = delivery_of(context)
        if key is not None:
            store.deliveries.claim(key, self.clock())

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        # Bolt deep-copies the context for a lazy listener; these are shared, never copied.
        return self


def delivery_key(body: dict[str, Any]) -> str | None:
    """The key a request is known by across deliveries: a slash command's or an interaction's
    `trigger_id`, an event's `event_id` (a redelivered Socket Mode envelope carries the same
    payload, so the same key); None for one that has none."""
    if body.get("type") == "event_callback":
        event_id = body.get("event_id")
        return f"event:{event_id}" if isinstance(event_id, str) and event_id else None
    trigger_id = body.get("trigger_id")
    return f"trigger:{trigger_id}" if isinstance(trigger_id, str) and trigger_id else None


def deps_of(context: BoltContext) -> Deps:
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps


def delivery_of(context: BoltContext) -> str | None:
    key = context.get(DELIVERY)
    return key if isinstance(key, str) else None


def asked_of(context: BoltContext) -> Parsed | UsageError:
    """A slash command's text, as the middleware read it."""
    asked = context["asked"]
    assert isinstance(asked, Parsed | UsageError)
    return asked


class RegrightsMiddleware(Middleware):
    """Lets each event through once; puts `deps` in the context, and a slash command's text
    read once (`asked`). A `Middleware` is called as it is, where a middleware function has
    its arguments found and built on every request."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        body = req.body
        key = delivery_key(body)
        if body.get("type") == "event_callback" and key is not None and not self._first(key):
            log.info("%s delivered again: acknowledged, not handled twice", key)
            return BoltResponse(status=200, body="")
        req.context["deps"] = self._deps
        req.context[DELIVERY] = key
        if "command" in body:
            req.context["asked"] = read_command(body.get("text") or "")
        return next()

    def _first(self, key: str) -> bool:
        """Claims `key` in a transaction of its own (for a request that writes nothing else):
        True the first time, False after."""
        try:
            with self._deps.service.uow.write() as store:
                store.deliveries.claim(key, self._deps.clock())
        except AlreadyDelivered:
            return False
        return True
