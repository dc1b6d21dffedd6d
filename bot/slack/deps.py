"""What every listener finds in its Bolt `context["deps"]`, put there by one global middleware:
the service, the clock, the announcements owed, and where notice templates are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_bolt import BoltContext

from bot.slack.announcements import Announcements
from domain.services.service import Caller, RegRightsService


@dataclass(frozen=True)
class Deps:
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


def with_deps(deps: Deps) -> Callable[[BoltContext, Callable[[], None]], None]:
    """The global middleware that puts `deps` in every request's context."""

    def put_deps(context: BoltContext, next: Callable[[], None]) -> None:
        context["deps"] = deps
        next()

    return put_deps
