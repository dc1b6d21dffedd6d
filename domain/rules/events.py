"""What can happen under the agreement, as recorded facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.rules.calendar import Delivery


class EventKind(StrEnum):
    S3_ELIGIBLE = "s3-eligible"
    DEMAND = "demand"
    HOLDERS_NOTIFIED = "holders-notified"
    FILING_PLANNED = "filing-planned"
    REQUESTED_INFO_SENT = "requested-info-sent"
    FILED = "filed"
    EFFECTIVE = "effective"
    STOP_ORDER = "stop-order"
    WITHDRAWN = "withdrawn"
    SUSPEND = "suspend"
    RESUME = "resume"
    DELAY = "delay"
    DELAY_EXTEND = "delay-extend"
    DELAY_END = "delay-end"
    PIGGYBACK_NOTICE = "piggyback-notice"
    PIGGYBACK_REQUESTED = "piggyback-requested"
    TERMINATED = "terminated"
    RETRACTION = "undo"


class WithdrawalGround(StrEnum):
    """Why the Investor withdrew: §2(a)(ii)(C) names one ground, an uncorrected misstatement."""

    MISSTATEMENT = "misstatement"
    OTHER = "other"


class TerminationGround(StrEnum):
    SOLD_ALL = "sold-all"
    RULE_144 = "rule144"
    TRANSFERRED = "transferred"


@dataclass(frozen=True)
class Facts:
    """What one event says, beyond its kind and date."""

    delivery: Delivery | None = None
    shares: int | None = None
    days: int | None = None
    reason: str | None = None
    ground: TerminationGround | None = None
    withdrawal: WithdrawalGround | None = None
    planned_filing: date | None = None
    retracts: int | None = None

    @property
    def stated_ground(self) -> str | None:
        """A termination's or a withdrawal's ground, as recorded."""
        ground = self.ground or self.withdrawal
        return ground.value if ground else None


@dataclass(frozen=True)
class Event:
    """A recorded event. `on` is the date given; `effective_on` applies §9(b) to notices."""

    seq: int
    kind: EventKind
    on: date
    effective_on: date
    facts: Facts = field(default_factory=Facts)
    actor: str = ""
    source: str = ""
    recorded_at: datetime | None = None
    # The hash stored beside it (see audit_chain), when read from the store.
    stored_hash: str | None = field(default=None, compare=False)


def live_events(events: list[Event]) -> list[Event]:
    """The events that stand: retractions and what they retracted are left out."""
    retracted = {e.facts.retracts for e in events if e.kind is EventKind.RETRACTION}
    return [e for e in events if e.kind is not EventKind.RETRACTION and e.seq not in retracted]


def latest_standing(events: list[Event], accept: Callable[[Event], bool]) -> Event | None:
    """The standing event with the highest sequence number that `accept` takes: `events` in
    order are read from the end, as far back as needed (a retraction follows its target)."""
    retracted: set[int] = set()
    for event in reversed(events):
        if event.kind is EventKind.RETRACTION:
            if event.facts.retracts is not None:
                retracted.add(event.facts.retracts)
        elif event.seq not in retracted and accept(event):
            return event
    return None
