"""The audit trail: every recorded event as counsel's record, and the proof it is unaltered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.rules.audit_chain import (
    ChainBreak,
    Exported,
    break_against,
    whole_break,
)
from domain.rules.events import EventKind
from domain.services.agreement import ADMIN, EDITOR, Caller, terms_from_snapshot
from domain.store.agreement_store import AgreementStore
from domain.store.unit_of_work import UnitOfWork


class NotBound(LookupError):
    """The caller's channel is bound to no agreement."""


@dataclass(frozen=True)
class AuditRecord:
    """One stored event: what, who, when (in the agreement's timezone), from where."""

    seq: int
    kind: str
    on: date
    effective_on: date
    delivery: str | None
    shares: int | None
    days: int | None
    reason: str | None
    ground: str | None
    planned_filing: date | None
    retracts: int | None
    retracted_by: int | None
    actor: str
    source: str
    recorded_at: datetime
    chain_hash: str | None


@dataclass(frozen=True)
class AuditTrail:
    agreement: str
    timezone: str
    records: list[AuditRecord]
    reasons_shown: bool
    terms_digest: str | None  # of the stored terms, which the chain starts from


@dataclass(frozen=True)
class ChainCheck:
    agreement: str
    events: int
    head: str | None
    broken: ChainBreak | None
    damaged: str | None = None  # what SQLite's integrity check found wrong with the file
    cleared: str | None = None  # the break the daily verification had found, now cleared


class AuditDesk:
    def __init__(self, uow: UnitOfWork, admins: frozenset[str]) -> None:
        self.uow = uow
        self.admins = admins

    def trail(self, caller: Caller) -> AuditTrail:
        """Every stored event of the caller's agreement, retractions included. A delay's reason
        only for an editor or admin (§2(d): its substance is the Company's)."""
        with self.uow.read() as store:
            agreement_id = _bound_id(store, caller)
            row = store.agreement(agreement_id)
            terms = terms_from_snapshot(row.profile_yaml)
            insider = caller.user in self.admins or store.grants(agreement_id).get(caller.user) in {
                EDITOR,
                ADMIN,
            }
            chained = store.chained_events(agreement_id)
        retracted_by = {
            c.event.facts.retracts: c.event.seq
            for c in chained
            if c.event.kind is EventKind.RETRACTION
        }
        records = []
        for c in chained:
            event, facts = c.event, c.event.facts
            assert event.recorded_at is not None
            records.append(
                AuditRecord(
                    seq=event.seq,
                    kind=event.kind.value,
                    on=event.on,
                    effective_on=event.effective_on,
                    delivery=facts.delivery.value if facts.delivery else None,
                    shares=facts.shares,
                    days=facts.days,
                    reason=facts.reason if insider else None,
                    ground=facts.stated_ground,
                    planned_filing=facts.planned_filing,
                    retracts=facts.retracts,
                    retracted_by=retracted_by.get(event.seq),
                    actor=event.actor,
                    source=event.source,
                    recorded_at=_aware(event.recorded_at).astimezone(terms.zone),
                    chain_hash=c.stored_hash,
                )
            )
        return AuditTrail(terms.id, terms.timezone, records, insider, row.terms_digest)

    def verify(self, caller: Caller, earlier: Sequence[Exported] = ()) -> ChainCheck:
        """The storage's own check (SQLite's integrity_check), then the hash chain of the
        caller's agreement re-computed, then each event of an `earlier` export looked for as
        it was: the first break, if any. Run by an admin on a whole history, it clears the
        break the daily verification kept (SPEC §12: shown until an admin resolves it)."""
        with self.uow.read() as store:
            agreement_id = _bound_id(store, caller)
            row = store.agreement(agreement_id)
            damaged = store.storage_damage()
            if damaged is not None:
                return ChainCheck(row.profile_id, 0, row.chain_head, None, damaged)
            chained = store.chained_events(agreement_id)
            admin = (
                caller.user in self.admins or store.grants(agreement_id).get(caller.user) == ADMIN
            )
        broken = whole_break(
            agreement_id, row.profile_yaml, row.terms_digest, chained, row.chain_head
        ) or break_against(chained, earlier)
        cleared = None
        if broken is None and admin and row.break_seq is not None:
            cleared = self._clear(agreement_id)
        return ChainCheck(row.profile_id, len(chained), row.chain_head, broken, cleared=cleared)

    def _clear(self, agreement_id: int) -> str | None:
        """The kept break, cleared."""
        with self.uow.write() as store:
            row = store.agreement(agreement_id)
            cleared = row.break_detail
            store.note_break(row, None)
            return cleared


def _bound_id(store: AgreementStore, caller: Caller) -> int:
    binding = store.binding(caller.channel)
    if binding is None:
        raise NotBound(caller.channel)
    return binding.agreement_id


def _aware(moment: datetime) -> datetime:
    # SQLite hands a stored moment back without its offset; it was stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
