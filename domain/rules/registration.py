"""The agreement's state, replayed from its events: demand, filing, delays, piggyback, termination.

Replaying checks every rule as it goes, so an event is accepted exactly when the history with
it still replays. Events are taken in the order they took effect (ties: the order recorded).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.calendar import BusinessCalendar
from domain.rules.events import Event, EventKind, TerminationGround, WithdrawalGround, live_events
from domain.rules.terms import Clock, TermsProfile
from domain.rules.violation import RuleViolation


class CycleStatus(StrEnum):
    """Where one registration stands, and whether it is deemed effected (§2(a)(ii))."""

    REQUESTED = "requested"
    FILED = "filed"
    LAPSED = "lapsed"  # not effective within the effectiveness window: not deemed effected
    EFFECTIVE = "effective"  # deemed effected: the demand is used
    EFFECTIVE_LATE = "effective-late"  # effective, but after the window: not deemed effected
    STOPPED = "stopped"  # a stop order interfered: not deemed effected
    WITHDRAWN = "withdrawn"  # the Investor withdrew: not deemed effected


OPEN_STATUSES = {CycleStatus.REQUESTED, CycleStatus.FILED}


@dataclass(frozen=True)
class ReplacedPlan:
    """An anticipated filing date re-planned on `replaced_on`: its Requested Information clock
    (§4(a)) stopped running then, and stays on the record (SPEC §12)."""

    seq: int
    planned: date
    recorded_on: date
    replaced_on: date
    next_planned: date


@dataclass
class RegistrationCycle:
    """One registration, usually begun by the Investor's demand."""

    demand_seq: int | None = None
    demand_given: date | None = None  # delivered or deposited (§9(b))
    demand_received: date | None = None
    shares: int | None = None
    holders_notice_seq: int | None = None
    holders_notice_given: date | None = None  # given on delivery or deposit (§9(b))
    holders_notified: date | None = None  # the other holders' receipt (§9(b))
    filing_planned: date | None = None
    filing_planned_seq: int | None = None
    filing_planned_recorded: date | None = None
    replaced_plans: tuple[ReplacedPlan, ...] = ()
    requested_info_sent: date | None = None
    filed: date | None = None
    filed_seq: int | None = None
    effectiveness_due: date | None = None  # not deemed effected unless effective by then
    effective: date | None = None
    stop_order: date | None = None
    withdrawn: date | None = None
    withdrawal_ground: WithdrawalGround | None = None

    def status_on(self, day: date) -> CycleStatus:
        due = self.effectiveness_due
        if self.withdrawn and self.withdrawn <= day:
            return CycleStatus.WITHDRAWN
        if self.stop_order and self.stop_order <= day:
            return CycleStatus.STOPPED
        if self.effective and self.effective <= day:
            assert due is not None
            return CycleStatus.EFFECTIVE if self.effective <= due else CycleStatus.EFFECTIVE_LATE
        if due is not None:
            return CycleStatus.LAPSED if day > due else CycleStatus.FILED
        return CycleStatus.REQUESTED


@dataclass
class DelayRecord:
    seq: int
    start: date
    days: int
    reason: str | None
    ended_early_on: date | None = None
    due_before_end: date | None = None  # the expiry it had when it was ended early

    @property
    def delay(self) -> Delay:
        return Delay(self.start, self.days)


@dataclass
class PiggybackNotice:
    seq: int
    given: date  # delivered or deposited (§9(b))
    received: date
    requested_on: date | None = None
    shares: int | None = None


@dataclass
class AgreementState:
    terms: TermsProfile
    s3_eligible: date | None = None
    cycles: list[RegistrationCycle] = field(default_factory=list)
    delays: list[DelayRecord] = field(default_factory=list)
    suspended_since: date | None = None
    suspension_section: str | None = None
    piggybacks: list[PiggybackNotice] = field(default_factory=list)
    termination_grounds: dict[TerminationGround, date] = field(default_factory=dict)

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.terms.notices.holiday_calendar)

    def after(self, clock: Clock, start: date) -> date:
        """The day `clock` runs out, counted from `start`: "N days after" is `start` + N
        calendar days; "N business days after" is the Nth business day after `start`."""
        if clock.business_days:
            return self.calendar.add_business_days(start, clock.days)
        return start + timedelta(days=clock.days)

    def before(self, clock: Clock, end: date) -> date:
        """The day "N (business) days prior to" `end`: `end` - N calendar days, or the Nth
        business day before `end`."""
        if clock.business_days:
            return self.calendar.add_business_days(end, -clock.days)
        return end - timedelta(days=clock.days)

    @property
    def current_cycle(self) -> RegistrationCycle | None:
        return self.cycles[-1] if self.cycles else None

    @property
    def termination_date(self) -> date | None:
        dates = list(self.termination_grounds.values())
        if self.terms.termination.reading == "earliest":
            return min(dates) if dates else None
        return max(dates) if len(dates) == len(TerminationGround) else None

    def terminated_on(self, day: date) -> bool:
        end = self.termination_date
        return end is not None and end <= day

    def effected_cycles(self, day: date) -> list[RegistrationCycle]:
        return [
            c
            for c in self.cycles
            if c.demand_received is not None and c.status_on(day) is CycleStatus.EFFECTIVE
        ]

    def withdrawal_relied_on(self, day: date) -> RegistrationCycle | None:
        """The last registration withdrawn by `day` on a ground §2(a)(ii)(C) does not name,
        while the demand right it revived is relied on: until a later registration is
        deemed effected on the demand."""
        for index in range(len(self.cycles) - 1, -1, -1):
            cycle = self.cycles[index]
            withdrawn = cycle.withdrawn
            if withdrawn is None or withdrawn > day:
                continue
            if cycle.withdrawal_ground is WithdrawalGround.MISSTATEMENT:
                continue
            later = self.cycles[index + 1 :]
            if any(
                c.demand_received is not None and c.status_on(day) is CycleStatus.EFFECTIVE
                for c in later
            ):
                return None
            return cycle
        return None

    def demand_refusal(self, day: date) -> RuleViolation | None:
        """Why a demand received on `day` would be refused; None when it would be accepted."""
        demand = self.terms.demand
        if self.terminated_on(day):
            return RuleViolation(
                self.terms.termination.section,
                f"the Termination Date was {self.termination_date}: "
                "the Investor may no longer request a Demand Registration",
            )
        if self.s3_eligible is None or self.s3_eligible > day:
            return RuleViolation(
                demand.eligibility_section,
                "the Investor may request a Demand Registration only after the Company has "
                "qualified for Short-Form Registration (record `s3-eligible` first)",
            )
        cycle = self.current_cycle
        if cycle and cycle.demand_received and cycle.status_on(day) in OPEN_STATUSES:
            return RuleViolation(
                demand.eligibility_section,
                f"the demand received {cycle.demand_received} is still pending",
                allowed_on=cycle.effectiveness_due,
            )
        effected = self.effected_cycles(day)
        if len(effected) >= demand.demands_allowed:
            return RuleViolation(
                demand.eligibility_section,
                f"the Investor is entitled to {demand.demands_allowed} Short-Form "
                f"Registration{'' if demand.demands_allowed == 1 else 's'} and "
                f"{len(effected)} {'was' if len(effected) == 1 else 'were'} effected (the last "
                f"on {effected[-1].effective})",
            )
        return None

    def delays_reaching(self, day: date) -> list[Delay]:
        """The delays that can share a §2(d) period with `day` or any later day: each one the
        caps, the days used or the room left on those days can count. Delays are kept in
        order of their starts and never overlap, so they also end in order: the earlier ones
        are skipped by bisection, and a long history costs no more than a short one."""
        since = AllowedDelayRule(self.terms.allowed_delay).reach_back(day)
        first = bisect_right(self.delays, since, key=lambda record: record.delay.expires)
        return [record.delay for record in self.delays[first:]]

    def delay_active_on(self, day: date) -> DelayRecord | None:
        # Delays are folded in by start and never overlap (none begins while one runs), so
        # only the last one begun by `day` can be running on it.
        for record in reversed(self.delays):
            if record.start <= day:
                return record if record.delay.is_active_on(day) else None
        return None

    def fork(self) -> AgreementState:
        """A copy that one more event, folded in after every event this state holds, can
        change without changing this one: new containers, and new copies of the records such
        an event can still change (the current cycle, the last delay, and the notices whose
        request window was still open when the last one arrived)."""
        piggybacks = list(self.piggybacks)
        if piggybacks:
            last = piggybacks[-1].received
            clock = self.terms.piggyback.request
            index = len(piggybacks) - 1
            while index >= 0 and self.after(clock, piggybacks[index].received) >= last:
                piggybacks[index] = replace(piggybacks[index])
                index -= 1
        return replace(
            self,
            cycles=[*self.cycles[:-1], *(replace(c) for c in self.cycles[-1:])],
            delays=[*self.delays[:-1], *(replace(d) for d in self.delays[-1:])],
            piggybacks=piggybacks,
            termination_grounds=dict(self.termination_grounds),
        )

    def has_registration_to_delay(self, day: date) -> bool:
        """Whether on `day` there is a pending demand, or a filed or effective registration;
        after the Termination Date there is none (nothing is left to delay)."""
        cycle = self.current_cycle
        if cycle is None or self.terminated_on(day):
            return False
        status = cycle.status_on(day)
        if status is CycleStatus.WITHDRAWN:
            return False
        received = cycle.demand_received is not None and cycle.demand_received <= day
        pending_demand = status is CycleStatus.REQUESTED and received
        return pending_demand or (cycle.filed is not None and cycle.filed <= day)

    def sales_suspended_on(self, day: date) -> bool:
        return (
            self.suspended_since is not None and self.suspended_since <= day
        ) or self.delay_active_on(day) is not None


def replay(events: list[Event], terms: TermsProfile) -> AgreementState:
    """The state after `events`; raises RuleViolation at the first event the rules refuse."""
    state = AgreementState(terms=terms)
    for event in sorted(live_events(events), key=replay_order):
        fold(state, event)
    return state


def position_on(events: list[Event], terms: TermsProfile, day: date) -> AgreementState:
    """The agreement as it stood on `day` (SPEC §12): replayed from the standing events dated
    (given) on or before it, and from none dated after it."""
    return standing_on(events, terms, day)[1]


def standing_on(
    events: list[Event], terms: TermsProfile, day: date
) -> tuple[list[Event], AgreementState]:
    """The events that stood on `day`, and the state they give: those dated (given) on or
    before it that no retraction dated by then took back, less any that rested on a fact
    dated later."""
    dated = live_events([e for e in events if e.on <= day])
    while True:
        try:
            return dated, replay(dated, terms)
        except RuleViolation as violation:
            # An event that stood only on a fact dated later: on `day` it did not yet stand.
            if violation.seq is None:
                raise
            dated = [e for e in dated if e.seq != violation.seq]


def replay_order(event: Event) -> tuple[date, int]:
    return event.effective_on, event.seq


def fold(state: AgreementState, event: Event) -> None:
    """Folds a live event into `state`, which holds only events before it in replay order;
    raises RuleViolation, leaving `state` unchanged, when the rules refuse it."""
    try:
        _APPLY[event.kind](state, event)
    except RuleViolation as violation:
        violation.seq = event.seq
        raise


def _require_cycle(state: AgreementState, event: Event, section: str) -> RegistrationCycle:
    cycle = state.current_cycle
    if cycle is None:
        raise RuleViolation(section, f"no registration is under way to record `{event.kind}` for")
    return cycle


def _s3_eligible(state: AgreementState, event: Event) -> None:
    if state.s3_eligible is not None:
        raise RuleViolation(
            state.terms.demand.eligibility_section,
            f"Short-Form eligibility was already recorded on {state.s3_eligible}",
        )
    state.s3_eligible = event.effective_on


def _demand(state: AgreementState, event: Event) -> None:
    refusal = state.demand_refusal(event.effective_on)
    if refusal:
        raise refusal
    cycle = state.current_cycle
    if (
        cycle is None
        or cycle.demand_received is not None
        or cycle.status_on(event.effective_on) not in OPEN_STATUSES
    ):
        cycle = RegistrationCycle()
        state.cycles.append(cycle)
    # A registration already planned or filed without a demand becomes the demanded one.
    cycle.demand_seq = event.seq
    cycle.demand_given = event.on
    cycle.demand_received = event.effective_on
    cycle.shares = event.facts.shares


def _holders_notified(state: AgreementState, event: Event) -> None:
    section = state.terms.demand.section
    cycle = state.current_cycle
    if cycle is None or cycle.demand_received is None:
        raise RuleViolation(section, "no Demand Registration request has been received")
    if cycle.status_on(event.effective_on) not in OPEN_STATUSES:
        raise RuleViolation(section, f"the demand received {cycle.demand_received} is closed")
    if cycle.holders_notified is not None:
        raise RuleViolation(
            section, f"the other holders were already notified ({cycle.holders_notified})"
        )
    cycle.holders_notice_given = event.on
    cycle.holders_notified = event.effective_on
    cycle.holders_notice_seq = event.seq


def _cycle_under_way_or_new(state: AgreementState, day: date) -> RegistrationCycle:
    """The registration under way on `day`, or a new one (a filing need not follow a demand).

    A filing after a stop order or a lapse is the Company filing again on the same demand:
    the new registration carries it, so once effective it uses the demand up."""
    cycle = state.current_cycle
    if cycle is not None and cycle.status_on(day) in OPEN_STATUSES:
        return cycle
    again = cycle is not None and cycle.status_on(day) in {
        CycleStatus.STOPPED,
        CycleStatus.LAPSED,
    }
    fresh = RegistrationCycle()
    if again and cycle is not None:
        fresh = replace(
            fresh,
            demand_seq=cycle.demand_seq,
            demand_given=cycle.demand_given,
            demand_received=cycle.demand_received,
            shares=cycle.shares,
            holders_notice_seq=cycle.holders_notice_seq,
            holders_notice_given=cycle.holders_notice_given,
            holders_notified=cycle.holders_notified,
        )
    state.cycles.append(fresh)
    return fresh


def _filing_planned(state: AgreementState, event: Event) -> None:
    cycle = _cycle_under_way_or_new(state, event.on)
    if cycle.filed is not None:
        raise RuleViolation(
            state.terms.requested_information.section,
            f"the Registration Statement was already filed on {cycle.filed}",
        )
    if cycle.filing_planned is not None:
        assert cycle.filing_planned_seq is not None and cycle.filing_planned_recorded is not None
        replaced = ReplacedPlan(
            cycle.filing_planned_seq,
            cycle.filing_planned,
            cycle.filing_planned_recorded,
            event.on,
            event.facts.planned_filing or cycle.filing_planned,
        )
        cycle.replaced_plans = (*cycle.replaced_plans, replaced)
    cycle.filing_planned = event.facts.planned_filing
    cycle.filing_planned_seq = event.seq
    cycle.filing_planned_recorded = event.on


def _requested_info_sent(state: AgreementState, event: Event) -> None:
    cycle = _require_cycle(state, event, state.terms.requested_information.section)
    if cycle.filing_planned is None:
        raise RuleViolation(
            state.terms.requested_information.section,
            "no anticipated filing date is recorded (record `filing-planned DATE` first)",
        )
    # §4(a) is a duty to give notice: met the day it is given, by hand or deposited (§9(b)).
    cycle.requested_info_sent = event.on


def _filed(state: AgreementState, event: Event) -> None:
    cycle = _cycle_under_way_or_new(state, event.on)
    if cycle.filed is not None:
        raise RuleViolation(
            state.terms.demand.effectiveness.section,
            f"the Registration Statement was already filed on {cycle.filed}",
        )
    cycle.filed = event.effective_on
    cycle.filed_seq = event.seq
    cycle.effectiveness_due = state.after(state.terms.demand.effectiveness, cycle.filed)


def _filed_cycle(state: AgreementState, event: Event, section: str) -> RegistrationCycle:
    cycle = _require_cycle(state, event, section)
    if cycle.filed is None:
        raise RuleViolation(section, "no Registration Statement has been filed")
    return cycle


def _effective(state: AgreementState, event: Event) -> None:
    section = state.terms.demand.effectiveness.section
    cycle = _filed_cycle(state, event, section)
    if cycle.effective is not None:
        raise RuleViolation(section, f"the registration was already effective on {cycle.effective}")
    if cycle.withdrawn is not None:
        raise RuleViolation(section, "the request for registration was withdrawn; file again first")
    # A stop order lifted before effectiveness: the registration may still become effective,
    # but under §2(a)(ii)(A) it is not deemed effected (status_on keeps it STOPPED).
    cycle.effective = event.effective_on


def _stop_order(state: AgreementState, event: Event) -> None:
    section = state.terms.sales_suspension.stop_order_section
    cycle = _filed_cycle(state, event, section)
    if cycle.stop_order is not None:
        raise RuleViolation(section, f"a stop order was already recorded on {cycle.stop_order}")
    cycle.stop_order = event.effective_on
    _suspend_sales(state, event.effective_on, section)


def _withdrawn(state: AgreementState, event: Event) -> None:
    section = state.terms.demand.withdrawal_section
    cycle = _require_cycle(state, event, section)
    if cycle.demand_received is None:
        raise RuleViolation(section, "no Demand Registration request is under way to withdraw")
    if cycle.withdrawn is not None:
        raise RuleViolation(section, f"the request was already withdrawn on {cycle.withdrawn}")
    cycle.withdrawn = event.effective_on
    cycle.withdrawal_ground = event.facts.withdrawal


def _suspend_sales(state: AgreementState, day: date, section: str) -> None:
    if state.suspended_since is None:
        state.suspended_since = day
        state.suspension_section = section


def _suspend(state: AgreementState, event: Event) -> None:
    section = state.terms.sales_suspension.misstatement_section
    if state.suspended_since is not None:
        raise RuleViolation(section, f"sales are already suspended since {state.suspended_since}")
    _suspend_sales(state, event.effective_on, section)


def _resume(state: AgreementState, event: Event) -> None:
    if state.suspended_since is None:
        raise RuleViolation(
            state.terms.sales_suspension.section,
            "sales are not suspended by a §3(e) or §3(f) event",
        )
    state.suspended_since = None
    state.suspension_section = None


def _delay(state: AgreementState, event: Event) -> None:
    days = event.facts.days
    assert days is not None
    active = state.delay_active_on(event.effective_on)
    wanted = Delay(event.effective_on, days)
    if active is not None:
        raise RuleViolation(
            state.terms.allowed_delay.section,
            f"an Allowed Delay is already running until {active.delay.expires} "
            "(use `delay extend` or `delay end`)",
        )
    if state.terminated_on(event.effective_on):
        raise RuleViolation(
            state.terms.allowed_delay.section,
            f"the Termination Date was {state.termination_date}: there is nothing left to delay",
        )
    if not state.has_registration_to_delay(event.effective_on):
        raise RuleViolation(
            state.terms.allowed_delay.section,
            "an Allowed Delay postpones a filing, its effectiveness or sales under a registration: "
            "no demand is pending and no Registration Statement is filed or effective",
        )
    breach = AllowedDelayRule(state.terms.allowed_delay).breach_adding(
        [d.delay for d in state.delays], wanted
    )
    if breach:
        raise RuleViolation(state.terms.allowed_delay.section, breach.message)
    state.delays.append(DelayRecord(event.seq, event.effective_on, days, event.facts.reason))


def _delay_extend(state: AgreementState, event: Event) -> None:
    extra = event.facts.days
    assert extra is not None
    active = state.delay_active_on(event.effective_on)
    section = state.terms.allowed_delay.section
    if active is None:
        raise RuleViolation(section, f"no Allowed Delay is running on {event.effective_on}")
    extended = Delay(active.start, active.days + extra)
    others = [d.delay for d in state.delays if d is not active]
    breach = AllowedDelayRule(state.terms.allowed_delay).breach_adding(others, extended)
    if breach:
        raise RuleViolation(section, f"extending by {extra} days: {breach.message}")
    active.days += extra


def _delay_end(state: AgreementState, event: Event) -> None:
    active = state.delay_active_on(event.effective_on)
    section = state.terms.allowed_delay.section
    if active is None:
        raise RuleViolation(section, f"no Allowed Delay is running on {event.effective_on}")
    if event.effective_on == active.start:
        raise RuleViolation(
            section, "the delay began that same day: use `undo` to retract it instead"
        )
    active.due_before_end = active.delay.expires
    active.days = (event.effective_on - active.start).days
    active.ended_early_on = event.effective_on


def _piggyback_notice(state: AgreementState, event: Event) -> None:
    state.piggybacks.append(PiggybackNotice(event.seq, event.on, event.effective_on))


def _piggyback_requested(state: AgreementState, event: Event) -> None:
    clock = state.terms.piggyback.request
    notice = next((p for p in reversed(state.piggybacks) if p.requested_on is None), None)
    if notice is None:
        raise RuleViolation(clock.section, "no piggyback notice is awaiting the Investor's request")
    closes = state.after(clock, notice.received)
    if event.effective_on > closes:
        raise RuleViolation(
            clock.section,
            f"the Investor's request had to be received within {clock.span} after its receipt "
            f"of the notice on {notice.received}: the window closed on {closes}",
        )
    notice.requested_on = event.effective_on
    notice.shares = event.facts.shares


def _terminated(state: AgreementState, event: Event) -> None:
    ground = event.facts.ground
    assert ground is not None
    if ground in state.termination_grounds:
        raise RuleViolation(
            state.terms.termination.section,
            f"`{ground}` was already recorded on {state.termination_grounds[ground]}",
        )
    state.termination_grounds[ground] = event.effective_on


_APPLY = {
    EventKind.S3_ELIGIBLE: _s3_eligible,
    EventKind.DEMAND: _demand,
    EventKind.HOLDERS_NOTIFIED: _holders_notified,
    EventKind.FILING_PLANNED: _filing_planned,
    EventKind.REQUESTED_INFO_SENT: _requested_info_sent,
    EventKind.FILED: _filed,
    EventKind.EFFECTIVE: _effective,
    EventKind.STOP_ORDER: _stop_order,
    EventKind.WITHDRAWN: _withdrawn,
    EventKind.SUSPEND: _suspend,
    EventKind.RESUME: _resume,
    EventKind.DELAY: _delay,
    EventKind.DELAY_EXTEND: _delay_extend,
    EventKind.DELAY_END: _delay_end,
    EventKind.PIGGYBACK_NOTICE: _piggyback_notice,
    EventKind.PIGGYBACK_REQUESTED: _piggyback_requested,
    EventKind.TERMINATED: _terminated,
}
