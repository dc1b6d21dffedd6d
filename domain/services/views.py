"""Read-only views of an agreement: status, deadlines and history, as answers (each one is its
own `--json` object)."""

from __future__ import annotations

from datetime import date

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.calendar import BusinessCalendar
from domain.rules.deadlines import running_deadlines
from domain.rules.events import Event, EventKind, WithdrawalGround
from domain.rules.registration import AgreementState, CycleStatus, RegistrationCycle
from domain.rules.terms import TermsProfile
from domain.services.answers import (
    Deadlines,
    EventLine,
    History,
    RunningDelay,
    SalesSuspension,
    Status,
)
from domain.services.delay_room import days_left, leap_day_warnings
from domain.services.wording import section


def demand_state(state: AgreementState, as_of: date) -> str:
    if state.terminated_on(as_of):
        return "terminated"
    cycle = state.current_cycle
    if cycle is not None and cycle.demand_received is not None:
        status = cycle.status_on(as_of)
        if status in {CycleStatus.REQUESTED, CycleStatus.FILED, CycleStatus.EFFECTIVE}:
            return status.value
    if len(state.effected_cycles(as_of)) >= state.terms.demand.demands_allowed:
        return "used"
    if state.s3_eligible is None or state.s3_eligible > as_of:
        return "not-eligible"
    return "available"


def warnings(state: AgreementState, as_of: date) -> list[str]:
    terms = state.terms
    found: list[str] = []
    cycle = state.current_cycle
    if cycle is not None:
        status = cycle.status_on(as_of)
        due = cycle.effectiveness_due
        not_effected = section(terms.demand.not_effected_section)
        if status is CycleStatus.LAPSED and due is not None:
            found.append(
                f"The Registration Statement filed {cycle.filed} was not effective within "
                f"{terms.demand.effectiveness.span} (by {due}): under {not_effected} it is not "
                "deemed effected, and the demand right is available again."
            )
        elif status is CycleStatus.EFFECTIVE_LATE and due is not None:
            found.append(
                f"The registration became effective on {cycle.effective}, after {due}: under "
                f"{section(terms.demand.effectiveness.section)} it is not deemed effected."
            )
        elif status is CycleStatus.STOPPED:
            lifted = (
                f"; it became effective on {cycle.effective} once the order was lifted, but "
                "remains not deemed effected"
                if cycle.effective is not None and cycle.effective <= as_of
                else ""
            )
            found.append(
                f"A stop order ({cycle.stop_order}) interfered with the registration: under "
                f"{section(terms.demand.stop_order_section)} it is not deemed effected{lifted}."
            )
        elif (
            status is CycleStatus.WITHDRAWN
            and cycle.withdrawal_ground is WithdrawalGround.MISSTATEMENT
        ):
            found.append(withdrawal_warning(terms, cycle))
    relied = state.withdrawal_relied_on(as_of)
    if relied is not None:
        found.append(
            withdrawal_warning(terms, relied, later=cycle if cycle is not relied else None)
        )
    active = state.delay_active_on(as_of)
    if active is not None:
        found += delay_past_effectiveness(state, active.delay, as_of)
    found += leap_day_warnings(state, state.delays_reaching(as_of), as_of)
    if state.termination_grounds:
        found += [
            f"Drafting defect ({section(d.section)}): {d.note}"
            for d in terms.defects_about("termination")
        ]
    return found


def withdrawal_warning(
    terms: TermsProfile, cycle: RegistrationCycle, later: RegistrationCycle | None = None
) -> str:
    """§2(a)(ii)(C) names one ground for a withdrawal that is not deemed effected; for any other
    the bot follows (A), a registration that does not become and remain effective, and says so
    with the facts, also once a `later` registration rests on the revived right."""
    withdrawal = section(terms.demand.withdrawal_section)
    if cycle.withdrawal_ground is WithdrawalGround.MISSTATEMENT:
        return (
            f"The Investor withdrew its request on {cycle.withdrawn} over a misstatement the "
            f"Company did not correct: under {withdrawal} the registration is not deemed "
            "effected, and the demand right is available again."
        )
    ground = "on another ground" if cycle.withdrawal_ground else "without a recorded ground"
    effective, withdrawn = cycle.effective, cycle.withdrawn
    facts = (
        f"the registration, effective on {effective}, did not remain effective until the "
        "Termination Date"
        if effective is not None and withdrawn is not None and effective <= withdrawn
        else "the registration never became effective"
    )
    resting = (
        f" The demand received {later.demand_received} rests on that reading."
        if later is not None and later.demand_received is not None
        else ""
    )
    return (
        f"The Investor withdrew its request on {cycle.withdrawn} {ground}. The demand right is "
        f"treated as available again under {section(terms.demand.stop_order_section)} "
        f"({facts}); but {withdrawal} names only an uncorrected misstatement, and can be read "
        f"to mean any other withdrawal uses the demand up.{resting}"
    )


def delay_past_effectiveness(state: AgreementState, delay: Delay, on: date) -> list[str]:
    """A delay does not stop the effectiveness clock: the warning, when `delay` runs past the
    deadline of a registration filed and still pending on `on`."""
    cycle = state.current_cycle
    if cycle is None or cycle.status_on(on) is not CycleStatus.FILED:
        return []
    due = cycle.effectiveness_due
    if due is None or delay.expires <= due:
        return []
    clock = state.terms.demand.effectiveness
    return [
        f"The delay runs until {delay.expires}, past the effectiveness deadline {due} "
        f"({clock.span} after filing, {section(clock.section)}): a delay does not stop that clock."
    ]


def deadlines_answer(state: AgreementState, as_of: date, calendar: BusinessCalendar) -> Deadlines:
    return Deadlines(as_of, running_deadlines(state, as_of), calendar)


def status_answer(
    state: AgreementState, as_of: date, calendar: BusinessCalendar, *, show_reasons: bool
) -> Status:
    terms = state.terms
    rule = AllowedDelayRule(terms.allowed_delay)
    refusal = state.demand_refusal(as_of)
    active = state.delay_active_on(as_of)
    delay = None
    if active is not None:
        reason = (
            terms.allowed_delay.reasons.get(active.reason)
            if show_reasons and active.reason
            else None
        )
        delay = RunningDelay(active.start, active.delay.expires, reason)
    nothing_to_delay = not state.has_registration_to_delay(as_of)
    delays = state.delays_reaching(as_of)
    room = days_left(state, as_of)
    # §2(d): with nothing to delay, no delay can begin
    next_start = None if nothing_to_delay else rule.next_start_allowed(delays, as_of, 1)
    # The words name the day a delay may next begin: the days available are that day's.
    next_room = room if next_start in {None, as_of} else days_left(state, next_start)
    return Status(
        terms=terms,
        as_of=as_of,
        demand_state=demand_state(state, as_of),
        demand_refusal=refusal.message if refusal else None,
        delay=delay,
        days_used=rule.days_used(delays, as_of),
        next_delay_start=next_start,
        sales=_sales_suspension(state, as_of),
        termination_date=state.termination_date,
        deadlines=deadlines_answer(state, as_of, calendar),
        warnings=warnings(state, as_of),
        available_days=room.available_days,
        extend_max=room.extend_max,
        next_start_days=next_room.available_days,
        nothing_to_delay=nothing_to_delay,
        sales_suspended=state.sales_suspended_on(as_of),
    )


def _sales_suspension(state: AgreementState, as_of: date) -> SalesSuspension | None:
    since = state.suspended_since
    if since is not None and since > as_of:
        since = None
    active = state.delay_active_on(as_of)
    if since is None and active is None:
        return None
    return SalesSuspension(
        since=since,
        since_section=state.suspension_section if since else None,
        until=active.delay.expires if active else None,
        until_section=state.terms.sales_suspension.delay_section,
    )


def history_answer(
    events: list[Event], limit: int, terms: TermsProfile, *, show_reasons: bool
) -> History:
    retracted = frozenset(
        e.facts.retracts for e in events if e.kind is EventKind.RETRACTION and e.facts.retracts
    )
    lines = [EventLine(e, terms, show_reasons) for e in reversed(events[-limit:])]
    return History(lines, len(events), retracted)
