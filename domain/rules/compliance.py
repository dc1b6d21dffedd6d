"""The compliance record: every deadline that has run, and whether it was met, late or missed.

Outcomes: `met` (closed on or before its due date), `late` (closed after it), `missed` (its due
date passed and it was never met: still open, closed by something other than performance, or
overtaken by a withdrawal, a new registration or the Termination Date), `open` (not yet due),
`lapsed` (a window that closes by passing its date, or an obligation that ended before it fell
due), `superseded` (a clock moved by a later event before it fell due: a re-planned filing date
moves the Requested Information notice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.rules.deadlines import CLOSED_BY_PASSING, DeadlineKind
from domain.rules.registration import (
    AgreementState,
    DelayRecord,
    PiggybackNotice,
    RegistrationCycle,
    ReplacedPlan,
)


class Outcome(StrEnum):
    MET = "met"
    LATE = "late"
    MISSED = "missed"
    OPEN = "open"
    LAPSED = "lapsed"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Obligation:
    """One deadline's record. `days_late`: after the due date, the days until it was closed or
    stopped running (as of the day asked, if it is still running); 0 when met, None when open
    or lapsed. `performed` is False when something other than performance closed it."""

    kind: DeadlineKind
    section: str
    key: str
    opened_on: date
    due: date
    closed_on: date | None
    outcome: Outcome
    days_late: int | None
    performed: bool = True
    moved_to: date | None = None  # a clock moved by a later event: its new due date


def obligations(state: AgreementState, as_of: date) -> list[Obligation]:
    """Every deadline begun on or before `as_of`, with its outcome as of that day, by due date."""
    return _obligations(state, state.delays, state.piggybacks, as_of)


def _obligations(
    state: AgreementState,
    delays: Iterable[DelayRecord],
    piggybacks: Iterable[PiggybackNotice],
    as_of: date,
) -> list[Obligation]:
    """The obligations of `state`'s registrations, and of `delays` and `piggybacks` (some or
    all of its own)."""
    found: dict[str, Obligation] = {}
    cycles = state.cycles
    for i, cycle in enumerate(cycles):
        superseded = _began(cycles[i + 1], cycle) if i + 1 < len(cycles) else None
        ends = [cycle.withdrawn, superseded, state.termination_date]
        for record in _cycle_obligations(state, cycle, ends, as_of):
            found[record.key] = record  # a re-filing carries its demand's notice: one record
    found.update((r.key, r) for r in _delay_obligations(state, delays, as_of))
    found.update((r.key, r) for r in _piggyback_obligations(state, piggybacks, as_of))
    return sorted(found.values(), key=lambda r: (r.due, r.kind, r.key))


@dataclass(frozen=True)
class Lateness:
    """What one event did to the record: obligations it closed after their due date, and
    obligations it began that were already past due."""

    closed_late: list[Obligation]
    opened_overdue: list[Obligation]


def lateness_of(before: AgreementState, after: AgreementState, as_of: date) -> Lateness:
    """What the events from `before` to `after` did to the record as of `as_of`: `lateness` of
    their obligations, judging only what can differ. A delay or a notice that the events left
    alone is the very same record in both states (`AgreementState.fork` copies only what a
    new event may change), and is judged the same in both; the registrations are few and
    always judged."""
    return lateness(_differing(before, after, as_of), _differing(after, before, as_of))


def _differing(state: AgreementState, other: AgreementState, as_of: date) -> list[Obligation]:
    delays_there = {id(record) for record in other.delays}
    notices_there = {id(notice) for notice in other.piggybacks}
    return _obligations(
        state,
        (record for record in state.delays if id(record) not in delays_there),
        (notice for notice in state.piggybacks if id(notice) not in notices_there),
        as_of,
    )


def lateness(before: list[Obligation], after: list[Obligation]) -> Lateness:
    """Compare the record before and after an event (both as of the same day)."""
    was = {r.key: r for r in before}
    closed_late = [
        r
        for r in after
        if r.closed_on is not None
        and r.outcome in {Outcome.LATE, Outcome.MISSED}
        and (r.key not in was or was[r.key].closed_on is None)
    ]
    opened_overdue = [
        r for r in after if r.key not in was and r.closed_on is None and r.outcome is Outcome.MISSED
    ]
    return Lateness(closed_late, opened_overdue)


def _began(cycle: RegistrationCycle, previous: RegistrationCycle) -> date | None:
    """When `cycle` took over from `previous`: its own demand, plan or filing."""
    own_demand = cycle.demand_received if cycle.demand_seq != previous.demand_seq else None
    return min(
        (d for d in (own_demand, cycle.filing_planned_recorded, cycle.filed) if d), default=None
    )


def _judge(
    key: str,
    kind: DeadlineKind,
    section: str,
    opened_on: date,
    due: date,
    as_of: date,
    *,
    closed_on: date | None = None,
    performed: bool = True,
    ends: Iterable[date | None] = (),
) -> Obligation:
    closed = closed_on if closed_on is not None and closed_on <= as_of else None
    end = min((e for e in ends if e is not None and e <= as_of), default=None)

    def record(
        outcome: Outcome, on: date | None, late: int | None, done: bool = True
    ) -> Obligation:
        return Obligation(kind, section, key, opened_on, due, on, outcome, late, done)

    if closed is not None and (end is None or closed <= end):
        if not performed:
            return record(Outcome.MISSED, closed, max(0, (closed - due).days), done=False)
        if closed <= due:
            return record(Outcome.MET, closed, 0)
        return record(Outcome.LATE, closed, (closed - due).days)
    if end is not None:
        if end <= due or kind in CLOSED_BY_PASSING:
            return record(Outcome.LAPSED, None, None)
        return record(Outcome.MISSED, end, (end - due).days, done=False)
    if due >= as_of:
        return record(Outcome.OPEN, None, None)
    if kind in CLOSED_BY_PASSING:
        return record(Outcome.LAPSED, None, None)
    return record(Outcome.MISSED, None, (as_of - due).days)


def _cycle_obligations(
    state: AgreementState, cycle: RegistrationCycle, ends: list[date | None], as_of: date
) -> Iterable[Obligation]:
    terms = state.terms
    if cycle.demand_received is not None and cycle.demand_given is not None:
        clock = terms.demand.holder_notice
        if cycle.demand_given <= as_of:
            yield _judge(
                f"holder_notice#{cycle.demand_seq}",
                DeadlineKind.HOLDER_NOTICE,
                clock.section,
                cycle.demand_given,
                state.after(clock, cycle.demand_received),
                as_of,
                closed_on=cycle.holders_notice_given,
                ends=ends,
            )
    if cycle.holders_notified is not None and cycle.holders_notice_given is not None:
        clock = terms.demand.holder_inclusion
        if cycle.holders_notice_given <= as_of:
            yield _judge(
                f"holder_inclusion#{cycle.holders_notice_seq}",
                DeadlineKind.HOLDER_INCLUSION,
                clock.section,
                cycle.holders_notice_given,
                state.after(clock, cycle.holders_notified),
                as_of,
                ends=ends,
            )
    for plan in cycle.replaced_plans:
        if plan.recorded_on <= as_of:
            yield _replaced_plan(state, cycle, plan, as_of)
    if cycle.filing_planned is not None and cycle.filing_planned_recorded is not None:
        clock = terms.requested_information
        sent, filed = cycle.requested_info_sent, cycle.filed
        # §4(a): a filing closes the clock, but only a notice sent before it performs it.
        by_notice = sent is not None and (filed is None or sent <= filed)
        if cycle.filing_planned_recorded <= as_of:
            yield _judge(
                f"requested_info#{cycle.filing_planned_seq}",
                DeadlineKind.REQUESTED_INFO,
                clock.section,
                cycle.filing_planned_recorded,
                state.before(clock, cycle.filing_planned),
                as_of,
                closed_on=sent if by_notice else filed,
                performed=by_notice,
                ends=ends,
            )
    if cycle.filed is not None and cycle.effectiveness_due is not None and cycle.filed <= as_of:
        clock = terms.demand.effectiveness
        yield _judge(
            f"effectiveness#{cycle.filed_seq}",
            DeadlineKind.EFFECTIVENESS,
            clock.section,
            cycle.filed,
            cycle.effectiveness_due,
            as_of,
            closed_on=cycle.effective,
            ends=ends,
        )


def _replaced_plan(
    state: AgreementState, cycle: RegistrationCycle, plan: ReplacedPlan, as_of: date
) -> Obligation:
    """A Requested Information clock (§4(a)) a re-planned filing date moved: met or late if the
    notice was sent while it ran; else `superseded` if moved before it fell due, `missed` if
    moved after."""
    clock = state.terms.requested_information
    key = f"requested_info#{plan.seq}"
    due = state.before(clock, plan.planned)
    sent = cycle.requested_info_sent
    if sent is not None and sent <= plan.replaced_on:
        return _judge(
            key,
            DeadlineKind.REQUESTED_INFO,
            clock.section,
            plan.recorded_on,
            due,
            as_of,
            closed_on=sent,
        )
    moved_to = state.before(clock, plan.next_planned)
    if plan.replaced_on > as_of:  # not yet moved on the day asked about
        return _judge(key, DeadlineKind.REQUESTED_INFO, clock.section, plan.recorded_on, due, as_of)
    if plan.replaced_on <= due:
        outcome, late = Outcome.SUPERSEDED, None
    else:
        outcome, late = Outcome.MISSED, (plan.replaced_on - due).days
    return Obligation(
        DeadlineKind.REQUESTED_INFO,
        clock.section,
        key,
        plan.recorded_on,
        due,
        plan.replaced_on,
        outcome,
        late,
        performed=False,
        moved_to=moved_to,
    )


def _delay_obligations(
    state: AgreementState, delays: Iterable[DelayRecord], as_of: date
) -> Iterable[Obligation]:
    section = state.terms.allowed_delay.section
    for record in delays:
        if record.start <= as_of:
            yield _judge(
                f"delay_expiry#{record.seq}",
                DeadlineKind.DELAY_EXPIRY,
                section,
                record.start,
                record.due_before_end or record.delay.expires,  # an early end keeps its due
                as_of,
                closed_on=record.ended_early_on,
            )


def _piggyback_obligations(
    state: AgreementState, piggybacks: Iterable[PiggybackNotice], as_of: date
) -> Iterable[Obligation]:
    clock = state.terms.piggyback.request
    for notice in piggybacks:
        if notice.given <= as_of:
            yield _judge(
                f"piggyback_request#{notice.seq}",
                DeadlineKind.PIGGYBACK_REQUEST,
                clock.section,
                notice.given,
                state.after(clock, notice.received),
                as_of,
                closed_on=notice.requested_on,
            )
