"""An agreement read whole (its row, terms and history) in a transaction: the one loader every
use case goes through."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from domain.rules.audit_chain import ChainedEvent, HistoryAltered, whole_break
from domain.rules.violation import RuleViolation
from domain.services.agreement import Agreement, terms_from_snapshot
from domain.services.snapshots import History, Snapshot, Snapshots

if TYPE_CHECKING:
    from domain.store.agreement_store import AgreementStore
    from domain.store.question_store import QuestionStore
    from domain.store.tables import AgreementRow
    from domain.store.version import AgreementFields


def load_agreement(
    store: AgreementStore,
    agreement_id: int,
    *,
    last_seq: int | None = None,
    through: date | None = None,
    snapshots: Snapshots | None = None,
) -> Agreement:
    """The agreement with its history up to event `last_seq` (the latest, when None); with
    `through`, as it stood that day: only the events dated on or before it. `snapshots`
    keeps the histories replayed (the service's); without it, the history is replayed here."""
    if snapshots is not None and last_seq is None:
        last_seq = store.last_seq(agreement_id)
    return agreement_of(
        store.agreement(agreement_id),
        store,
        last_seq=last_seq,
        through=through,
        snapshots=snapshots,
    )


def agreement_of(
    row: AgreementRow | AgreementFields,
    store: AgreementStore | QuestionStore,
    *,
    last_seq: int | None,
    through: date | None = None,
    snapshots: Snapshots | None = None,
) -> Agreement:
    """`load_agreement` from the agreement's row, already read; its events are read from
    `store` unless `snapshots` keeps their history (then `last_seq` is given)."""
    assert row.id is not None
    terms = terms_from_snapshot(row.profile_yaml)
    read = partial(store.events, row.id, through_seq=last_seq)
    try:
        if snapshots is None:
            events = read()
            whole = History.of(events, Snapshot.replayed(events, terms))
            history = whole if through is None else whole.dated_through(through, terms)
        else:
            assert last_seq is not None
            whole = snapshots.history(row.id, last_seq, terms, read)
            history = snapshots.history(row.id, last_seq, terms, read, through)
    except RuleViolation:
        # Every write replays the history before it appends, so a stored history the rules
        # refuse was changed since: named by its hash chain when that shows where.
        chained = [ChainedEvent(e, e.stored_hash) for e in read()]
        found = whole_break(row.id, row.profile_yaml, row.terms_digest, chained, row.chain_head)
        if found is None:
            raise
        raise HistoryAltered(found) from None
    tail = None if history is whole else list(whole.events[-2:])
    found = store.found_break(row)
    return Agreement(row, terms, list(history.events), history.snapshot, tail, found)


def load_agreements(store: AgreementStore, agreement_ids: list[int]) -> dict[int, Agreement]:
    """`load_agreement` for many agreements at once, in a handful of queries."""
    events = store.events_by_agreement(agreement_ids)
    found = {}
    for row in store.agreements(agreement_ids):
        assert row.id is not None
        found[row.id] = Agreement(row, terms_from_snapshot(row.profile_yaml), events[row.id])
    return found


def bound_agreement(
    store: AgreementStore, channel: str, *, through: date | None = None
) -> Agreement | None:
    binding = store.binding(channel)
    return None if binding is None else load_agreement(store, binding.agreement_id, through=through)
