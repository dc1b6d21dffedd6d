"""The Allowed Delay days left (§2(d)) once there is something to delay, a delay as it stands,
and the Feb 29 question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.delay_room import extension_room, longest_new_delay
from domain.rules.events import Event, EventKind
from domain.rules.registration import AgreementState
from domain.services.answers import DelayStanding
from domain.services.wording import section


@dataclass(frozen=True)
class DaysLeft:
    """`available_days`: the longest delay that could begin on the day (0 if none, also when
    there is nothing to delay); `extend_max`: while a delay runs, the most it could add."""

    available_days: int
    extend_max: int | None


def days_left(state: AgreementState, on: date) -> DaysLeft:
    rule = AllowedDelayRule(state.terms.allowed_delay)
    active = state.delay_active_on(on)
    # A running delay's extension shares periods with days before `on`, back to its start.
    delays = state.delays_reaching(active.start if active is not None else on)
    available = longest_new_delay(rule, delays, on) if state.has_registration_to_delay(on) else 0
    extend_max = extension_room(rule, delays, active.delay) if active is not None else None
    return DaysLeft(available, extend_max)


def delay_standing(state: AgreementState, delay: Delay) -> DelayStanding:
    """`delay` as it stands, with the days used in the period ending on its start."""
    rule = AllowedDelayRule(state.terms.allowed_delay)
    used = rule.days_used([d.delay for d in state.delays], delay.start)
    months = state.terms.allowed_delay.period_months
    return DelayStanding(delay.start, delay.expires, used, months, delay.start)


def undone_delay(state: AgreementState, undone: Event, today: date) -> DelayStanding | None:
    """After `undo` of a delay, an extension or an early end: where the delay now stands."""
    if undone.kind is EventKind.DELAY:
        rule = AllowedDelayRule(state.terms.allowed_delay)
        used = rule.days_used([d.delay for d in state.delays], today)
        months = state.terms.allowed_delay.period_months
        return DelayStanding(undone.effective_on, None, used, months, today)
    if undone.kind not in {EventKind.DELAY_EXTEND, EventKind.DELAY_END}:
        return None
    record = state.delay_active_on(undone.effective_on)
    return delay_standing(state, record.delay) if record is not None else None


def leap_day_warnings(state: AgreementState, delays: list[Delay], on: date) -> list[str]:
    """The drafting question, while it matters on `on`: a delay began on Feb 29 and the
    12-month period it began ends in a year without one."""
    terms = state.terms.allowed_delay
    rule = AllowedDelayRule(terms)
    found = []
    for delay in delays:
        question = rule.leap_day_question(delay.start)
        if question is None or not delay.start <= on <= question[1]:
            continue
        read, other = question
        found.append(
            f"Drafting question ({section(terms.section)}): the {terms.period_months} months "
            f"after a delay beginning on {delay.start} are read (calendar months, as dateutil "
            f"counts them) to run out so that a new delay may begin on {read}; read as ending on "
            f"the anniversary {read.year} lacks, it could begin only on {other}. The agreement "
            "does not say which."
        )
    return found
