"""The hash chain over an agreement's history: each event's hash covers what it records and
the hash of the event before it, so an edited, deleted or inserted row breaks the chain."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from domain.rules.events import Event

CHAIN_VERSION = "regrights-chain-v1"


def genesis(agreement_id: int, terms: str | None = None) -> str:
    """The "previous hash" of an agreement's first event, and the agreement's latest hash before
    it has any: over the agreement and the digest of its stored terms (`terms_digest`), so the
    chain covers the terms too. Without `terms`, the chain's start before migration 0007."""
    covered = f"{CHAIN_VERSION}:agreement:{agreement_id}"
    if terms is not None:
        covered += f":terms:{terms}"
    return hashlib.sha256(covered.encode()).hexdigest()


def terms_digest(profile_yaml: str) -> str:
    """SHA-256 over the agreement's stored profile, exactly as stored."""
    return hashlib.sha256(profile_yaml.encode()).hexdigest()


def terms_break(profile_yaml: str, digest: str | None) -> ChainBreak | None:
    """The stored terms checked against the digest the chain starts from."""
    if digest is not None and terms_digest(profile_yaml) == digest:
        return None
    return ChainBreak(
        Break.TERMS,
        0,
        "the agreement's stored terms were altered after it was set up (they no longer match "
        "the digest its history is chained from)",
    )


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
    TERMS = "terms"
    ALTERED = "altered"
    MISSING = "missing"
    INSERTED = "inserted"


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold: which event, and how."""

    how: Break
    seq: int
    detail: str


def first_break(start: str, events: Sequence[ChainedEvent], head: str | None) -> ChainBreak | None:
    """Walk the chain in sequence order from `start` (the agreement's `genesis`); `head` is
    the hash the agreement last recorded (`start` itself while it has no event).

    A row whose hash does not hold was inserted when the chain holds without it (the row after
    it, as stored or as numbered before the later rows were moved up one to make room, or the
    recorded head, follows on from the row before it); otherwise it was altered. A
    gap in the sequence, or a head the last row does not reach, is a missing event."""
    previous = start
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
            skipped = _follows_on(following, previous) if following else head == previous
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
    if head != previous:
        return ChainBreak(
            Break.MISSING,
            expected_seq,
            f"event #{expected_seq} is missing (the history ends at #{expected_seq - 1}, "
            "but more was recorded)",
        )
    return None


def whole_break(
    agreement_id: int,
    profile_yaml: str,
    digest: str | None,
    events: Sequence[ChainedEvent],
    head: str | None,
) -> ChainBreak | None:
    """The stored terms against their digest, then the whole chain walked from its genesis."""
    return terms_break(profile_yaml, digest) or first_break(
        genesis(agreement_id, digest), events, head
    )


def _holds(chained: ChainedEvent, previous: str) -> bool:
    return chained.stored_hash == event_hash(chained.event, previous)


def _follows_on(chained: ChainedEvent, previous: str) -> bool:
    """Whether `chained` follows on from `previous` as stored, or as it was numbered before a
    row was inserted ahead of it and the rows after moved up one to make room."""
    renumbered = dataclasses.replace(chained.event, seq=chained.event.seq - 1)
    return _holds(chained, previous) or chained.stored_hash == event_hash(renumbered, previous)


class HistoryAltered(Exception):
    """A write refused: the stored history no longer proves itself (SPEC §12)."""

    def __init__(self, found: ChainBreak) -> None:
        self.found = found
        super().__init__(
            f"the recorded history does not prove itself: {found.detail}. Nothing was recorded; "
            "`regrights verify` names the break, and an admin restores the event from an export"
        )


def tip_break(start: str, tail: Sequence[ChainedEvent], head: str | None) -> ChainBreak | None:
    """The chain checked at its tip only, as a write does before appending: `tail` holds the
    last stored events (two are enough), `head` the hash the agreement last recorded."""
    if not tail:
        if head == start:
            return None
        return ChainBreak(
            Break.MISSING,
            1,
            "every event is missing (the history is empty, but events were recorded)",
        )
    last = tail[-1]
    if len(tail) > 1:
        previous: str | None = tail[-2].stored_hash or ""
    else:
        previous = start if last.event.seq == 1 else None
    if previous is not None and not _holds(last, previous):
        event = last.event
        return ChainBreak(
            Break.ALTERED,
            event.seq,
            f"event #{event.seq} ({event.kind.value} on {event.on}) was altered after it was "
            "recorded",
        )
    if head != last.stored_hash:
        following = last.event.seq + 1
        return ChainBreak(
            Break.MISSING,
            following,
            f"event #{following} is missing (the history ends at #{last.event.seq}, but more "
            "was recorded)",
        )
    return None


def break_holds(start: str, seq: int, around: Sequence[ChainedEvent], head: str | None) -> bool:
    """Whether a break found at event `seq` by a whole walk of the chain is still there,
    checked on `around`, the stored events numbered `seq` - 1 to `seq` + 1, and `head`, the
    hash the agreement last recorded: the event is missing (and the one before it is not the
    recorded tip), or does not follow on from the one before it (from `start` for the first),
    or the one after does not follow on from it (its own hash re-computed after an edit)."""
    stored = {chained.event.seq: chained for chained in around}
    before = stored.get(seq - 1)
    if before is None and seq > 1:
        return True
    previous = (before.stored_hash or "") if before is not None else start
    found = stored.get(seq)
    if found is None:
        return previous != head or seq + 1 in stored
    if not _holds(found, previous):
        return True
    following = stored.get(seq + 1)
    return following is not None and not _holds(following, found.stored_hash or "")


@dataclass(frozen=True)
class Exported:
    """An event as an earlier export recorded it: its number, its hash, and what it was."""

    seq: int
    chain_hash: str
    kind: str
    on: str


def break_against(events: Sequence[ChainedEvent], earlier: Sequence[Exported]) -> ChainBreak | None:
    """The first event of an earlier export that the stored history no longer holds as it was:
    gone (a history trimmed at its end, or emptied, keeps a chain that holds by itself), or
    stored with another hash."""
    stored = {chained.event.seq: chained.stored_hash for chained in events}
    last = max(stored, default=0)
    for exported in sorted(earlier, key=lambda e: e.seq):
        what = f"event #{exported.seq} ({exported.kind} on {exported.on})"
        if exported.seq not in stored:
            trimmed = "the history was trimmed at its end" if exported.seq > last else "deleted"
            return ChainBreak(
                Break.MISSING,
                exported.seq,
                f"{what}, in the earlier export, is missing: {trimmed}",
            )
        if stored[exported.seq] != exported.chain_hash:
            return ChainBreak(
                Break.ALTERED,
                exported.seq,
                f"{what} is not as the earlier export recorded it",
            )
    return None


def refuse_altered_tip(start: str, tail: Sequence[ChainedEvent], head: str | None) -> None:
    """Raises HistoryAltered when the chain's tip does not hold."""
    found = tip_break(start, tail, head)
    if found is not None:
        raise HistoryAltered(found)
