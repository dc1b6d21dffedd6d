"""The hash chain over an agreement's history: each event's hash covers what it records and
the hash of the event before it, so an edited, deleted or inserted row breaks the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from domain.rules.events import Event

CHAIN_VERSION = "regrights-chain-v1"


def genesis(agreement_id: int) -> str:
    """The "previous hash" of an agreement's first event."""
    return hashlib.sha256(f"{CHAIN_VERSION}:agreement:{agreement_id}".encode()).hexdigest()


def event_hash(event: Event, previous: str) -> str:
    """SHA-256 over the canonical JSON of the event's content, then the previous hash."""
    facts = event.facts
    content = {
        "seq": event.seq,
        "kind": event.kind.value,
        "on": _day(event.on),
        "effective_on": _day(event.effective_on),
        "delivery": facts.delivery.value if facts.delivery else None,
        "shares": facts.shares,
        "days": facts.days,
        "reason": facts.reason,
        "ground": facts.stated_ground,
        "planned_filing": _day(facts.planned_filing),
        "retracts": facts.retracts,
        "actor": event.actor,
        "source": event.source,
        "recorded_at": _moment(event.recorded_at),
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    # SQLite gives back a stored moment without its offset, PostgreSQL with one: the hash takes
    # the UTC wall time either way.
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ChainedEvent:
    """An event as stored, with the hash stored beside it (None if it has none)."""

    event: Event
    stored_hash: str | None


class Break(StrEnum):
    ALTERED = "altered"
    MISSING = "missing"
    INSERTED = "inserted"


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold: which event, and how."""

    how: Break
    seq: int
    detail: str


def first_break(
    agreement_id: int, events: Sequence[ChainedEvent], head: str | None
) -> ChainBreak | None:
    """Walk the chain in sequence order; `head` is the hash the agreement last recorded.

    A row whose hash does not hold was inserted when the chain holds without it (the row after
    it, or the recorded head, follows on from the row before it); otherwise it was altered. A
    gap in the sequence, or a head the last row does not reach, is a missing event."""
    previous = genesis(agreement_id)
    expected_seq = 1
    for index, chained in enumerate(events):
        event = chained.event
        if event.seq > expected_seq and not _holds(chained, previous):
            return ChainBreak(
                Break.MISSING,
                expected_seq,
                f"event #{expected_seq} is missing (the history goes from "
                f"#{expected_seq - 1} to #{event.seq})",
            )
        if not _holds(chained, previous):
            following = events[index + 1] if index + 1 < len(events) else None
            skipped = _holds(following, previous) if following is not None else head == previous
            if skipped:
                return ChainBreak(
                    Break.INSERTED,
                    event.seq,
                    f"event #{event.seq} ({event.kind.value} on {event.on}) was not recorded "
                    "by regrights: it was inserted",
                )
            return ChainBreak(
                Break.ALTERED,
                event.seq,
                f"event #{event.seq} ({event.kind.value} on {event.on}) was altered after it "
                "was recorded",
            )
        previous = chained.stored_hash or ""
        expected_seq = event.seq + 1
    if head is not None and head != previous:
        return ChainBreak(
            Break.MISSING,
            expected_seq,
            f"event #{expected_seq} is missing (the history ends at #{expected_seq - 1}, "
            "but more was recorded)",
        )
    return None


def _holds(chained: ChainedEvent, previous: str) -> bool:
    return chained.stored_hash == event_hash(chained.event, previous)
