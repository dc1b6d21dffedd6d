"""The hash chain as pure rules: whatever one row a hand edit alters, deletes or inserts, the
walk names that row and how."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.rules.audit_chain import (
    Break,
    ChainedEvent,
    break_holds,
    event_hash,
    first_break,
    genesis,
)
from domain.rules.calendar import Delivery
from domain.rules.events import Event, EventKind, Facts

AGREEMENT = 7
START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


def _history(kinds: list[EventKind]) -> tuple[list[ChainedEvent], str | None]:
    chained, previous = [], genesis(AGREEMENT)
    for seq, kind in enumerate(kinds, start=1):
        event = Event(
            seq=seq,
            kind=kind,
            on=date(2026, 1, 5) + timedelta(days=seq),
            effective_on=date(2026, 1, 5) + timedelta(days=seq),
            facts=Facts(days=seq, delivery=Delivery.MAIL if seq % 2 else None),
            actor=f"U{seq}",
            source="slack:C1",
            recorded_at=START + timedelta(hours=seq),
        )
        previous = event_hash(event, previous)
        chained.append(ChainedEvent(event, previous))
    return chained, previous if chained else None


histories = st.lists(st.sampled_from(list(EventKind)), min_size=1, max_size=12)


@given(histories)
def test_an_untouched_chain_holds(kinds: list[EventKind]) -> None:
    chained, head = _history(kinds)
    assert first_break(genesis(AGREEMENT), chained, head) is None


@given(histories, st.data())
def test_an_altered_row_is_named(kinds: list[EventKind], data: st.DataObject) -> None:
    chained, head = _history(kinds)
    i = data.draw(st.integers(0, len(chained) - 1))
    change = data.draw(st.sampled_from(["actor", "days", "on", "recorded_at", "hash"]))
    row = chained[i]
    event = row.event
    if change == "actor":
        altered = ChainedEvent(replace(event, actor="UMALLORY"), row.stored_hash)
    elif change == "days":
        altered = ChainedEvent(
            replace(event, facts=replace(event.facts, days=999)), row.stored_hash
        )
    elif change == "on":
        altered = ChainedEvent(replace(event, on=event.on - timedelta(days=1)), row.stored_hash)
    elif change == "recorded_at":
        moment = event.recorded_at + timedelta(microseconds=1)  # type: ignore[operator]
        altered = ChainedEvent(replace(event, recorded_at=moment), row.stored_hash)
    else:
        altered = ChainedEvent(event, "f" * 64)
    chained[i] = altered
    broken = first_break(genesis(AGREEMENT), chained, head)
    assert broken is not None and (broken.how, broken.seq) == (Break.ALTERED, i + 1)


@given(histories, st.data())
def test_a_deleted_row_is_named(kinds: list[EventKind], data: st.DataObject) -> None:
    chained, head = _history(kinds)
    i = data.draw(st.integers(0, len(chained) - 1))
    del chained[i]
    broken = first_break(genesis(AGREEMENT), chained, head)
    assert broken is not None and (broken.how, broken.seq) == (Break.MISSING, i + 1)


@given(histories, st.sampled_from(list(EventKind)), st.sampled_from([None, "0" * 64]))
def test_a_row_appended_by_hand_is_named(
    kinds: list[EventKind], kind: EventKind, forged: str | None
) -> None:
    chained, head = _history(kinds)
    last = chained[-1].event
    chained.append(ChainedEvent(replace(last, seq=last.seq + 1, kind=kind), forged))
    broken = first_break(genesis(AGREEMENT), chained, head)
    assert broken is not None and (broken.how, broken.seq) == (Break.INSERTED, last.seq + 1)


def test_a_row_rehashed_after_its_edit_still_breaks_the_chain_at_the_next_row() -> None:
    chained, head = _history([EventKind.DEMAND, EventKind.FILED, EventKind.EFFECTIVE])
    edited = replace(chained[0].event, facts=replace(chained[0].event.facts, shares=1))
    chained[0] = ChainedEvent(edited, event_hash(edited, genesis(AGREEMENT)))
    broken = first_break(genesis(AGREEMENT), chained, head)
    assert broken is not None and broken.seq == 2


def test_another_agreement_has_another_chain() -> None:
    chained, head = _history([EventKind.DEMAND])
    assert first_break(genesis(AGREEMENT + 1), chained, head) is not None


def _around(chained: list[ChainedEvent], seq: int) -> list[ChainedEvent]:
    """What a read of a kept break gives: the stored events numbered seq - 1 to seq + 1."""
    return [c for c in chained if seq - 1 <= c.event.seq <= seq + 1]


@given(histories, st.data())
def test_a_break_found_holds_while_its_row_fails_and_not_once_restored(
    kinds: list[EventKind], data: st.DataObject
) -> None:
    chained, head = _history(kinds)
    i = data.draw(st.integers(0, len(chained) - 1))
    start, restored = genesis(AGREEMENT), list(chained)
    edit = data.draw(st.sampled_from(["altered", "rehashed", "deleted", "inserted"]))
    event = chained[i].event
    edited = replace(event, actor="UMALLORY")
    if edit == "altered":
        chained[i] = ChainedEvent(edited, chained[i].stored_hash)
    elif edit == "rehashed":
        previous = chained[i - 1].stored_hash if i else start
        chained[i] = ChainedEvent(edited, event_hash(edited, previous or ""))
    elif edit == "deleted":
        del chained[i]
    else:  # made room for, the later rows moved up one
        moved = [
            ChainedEvent(replace(c.event, seq=c.event.seq + 1), c.stored_hash) for c in chained[i:]
        ]
        chained[i:] = [ChainedEvent(edited, "0" * 64), *moved]
    found = first_break(start, chained, head)
    assert found is not None
    assert break_holds(start, found.seq, _around(chained, found.seq), head)
    assert not break_holds(start, found.seq, _around(restored, found.seq), head)
