"""How much Allowed Delay is left (§2(d)), and the Feb 29 drafting question, as data and words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.events import Event, EventKind
from domain.rules.registration import AgreementState
from domain.services.wording import day, days, section


@dataclass(frozen=True)
class DelayRoom:
    """`available_days`: the longest delay that could begin on the day (0 if none);
    `extend_max`: while a delay runs, the most days it could still be extended by."""

    available_days: int
    extend_max: int | None


def delay_room(state: AgreementState, on: date) -> DelayRoom:
    rule = AllowedDelayRule(state.terms.allowed_delay)
    delays = [d.delay for d in state.delays]
    active = state.delay_active_on(on)
    available = rule.longest_from(delays, on) if state.has_registration_to_delay(on) else 0
    extend_max = rule.extend_max(delays, active.delay) if active is not None else None
    return DelayRoom(available, extend_max)


def room_words(room: DelayRoom) -> str:
    words = f"{days(room.available_days)} available for a delay beginning that day"
    if room.extend_max is not None:
        words += f"; the running delay can be extended by up to {days(room.extend_max)}"
    return words


def delay_standing(state: AgreementState, delay: Delay) -> str:
    """Restating a delay after it was extended, ended, or an event about it undone."""
    rule = AllowedDelayRule(state.terms.allowed_delay)
    used = rule.days_used([d.delay for d in state.delays], delay.start)
    return (
        f"The Allowed Delay from {day(delay.start)} now expires on {day(delay.expires)}; "
        f"{days(used)} used in the {state.terms.allowed_delay.period_months} months ending on "
        "its start."
    )


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


@dataclass(frozen=True)
class Restatement:
    lines: list[str]
    data: dict[str, Any]


def undone_delay(state: AgreementState, undone: Event, today: date) -> Restatement:
    """After `undo` of a delay, an extension or an early end: where the delays now stand."""
    rule = AllowedDelayRule(state.terms.allowed_delay)
    delays = [d.delay for d in state.delays]
    months = state.terms.allowed_delay.period_months
    if undone.kind is EventKind.DELAY:
        used = rule.days_used(delays, today)
        return Restatement(
            [
                f"The Allowed Delay from {day(undone.effective_on)} no longer stands; "
                f"{days(used)} used in the {months} months ending {day(today)}."
            ],
            {"days_used_12m": used},
        )
    if undone.kind not in {EventKind.DELAY_EXTEND, EventKind.DELAY_END}:
        return Restatement([], {})
    record = state.delay_active_on(undone.effective_on)
    if record is None:
        return Restatement([], {})
    delay = record.delay
    return Restatement(
        [delay_standing(state, delay)],
        {
            "start": delay.start.isoformat(),
            "expires": delay.expires.isoformat(),
            "days_used_12m": rule.days_used(delays, delay.start),
        },
    )
