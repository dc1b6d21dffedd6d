"""`status` counts only the delays that can share a §2(d) period with the day asked about (or a
running delay's extension): over long histories its answers equal those of counting every delay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.calendar import BusinessCalendar
from domain.rules.events import Event, EventKind, Facts
from domain.rules.registration import AgreementState, fold
from domain.rules.terms import TermsProfile, load_profile
from domain.rules.violation import RuleViolation
from domain.services.delay_room import days_left
from domain.services.views import status_answer

NSTOR = load_profile("nstor-2002")
PROFILES = [
    NSTOR,
    replace(NSTOR, allowed_delay=replace(NSTOR.allowed_delay, max_delays=2, max_days=60)),
    replace(NSTOR, allowed_delay=replace(NSTOR.allowed_delay, period_months=3, max_days=45)),
]
ORIGIN = date(2001, 1, 8)
REGISTRATION = [EventKind.S3_ELIGIBLE, EventKind.DEMAND, EventKind.FILED, EventKind.EFFECTIVE]

# Each step: days after the previous one, what is recorded then, and a number of days.
steps = st.lists(
    st.tuples(
        st.integers(1, 400),
        st.sampled_from([EventKind.DELAY, EventKind.DELAY_EXTEND, EventKind.DELAY_END]),
        st.one_of(st.integers(1, 30), st.integers(1, 300)),
    ),
    max_size=40,
)
# Days after the last delay's start, often near the end of a 12-month period.
days_after = st.one_of(st.integers(-30, 420), st.integers(330, 400))


def _long_history(terms: TermsProfile, drawn: list[tuple[int, EventKind, int]]) -> AgreementState:
    """A registration, then the delays, extensions and early ends the rules accept."""
    state = AgreementState(terms=terms)
    day = ORIGIN
    for seq, kind in enumerate(REGISTRATION, start=1):
        fold(state, Event(seq, kind, day, day, Facts(shares=1000)))
        day += timedelta(days=1)
    for seq, (gap, kind, days) in enumerate(drawn, start=len(REGISTRATION) + 1):
        day += timedelta(days=gap)
        facts = Facts(days=days if kind is not EventKind.DELAY_END else None, reason="i")
        try:
            fold(state, Event(seq, kind, day, day, facts))
        except RuleViolation:
            continue
    return state


def _counting_every_delay(state: AgreementState) -> AgreementState:
    """The same state, its `delays_reaching` giving every delay ever recorded."""
    every = replace(state)
    # An instance attribute shadows the method: this copy counts the whole history.
    object.__setattr__(every, "delays_reaching", lambda _day: [r.delay for r in state.delays])
    return every


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PROFILES), steps, days_after, st.booleans())
def test_counting_the_delays_within_reach_answers_as_counting_them_all(
    terms: TermsProfile, drawn: list[tuple[int, EventKind, int]], after: int, in_a_delay: bool
) -> None:
    state = _long_history(terms, drawn)
    last = state.delays[-1] if state.delays else None
    if in_a_delay and last is not None:
        day = last.start + timedelta(days=max(0, after) % max(1, last.days))
    else:
        day = (last.start if last else ORIGIN) + timedelta(days=after)
    every = _counting_every_delay(state)
    assert days_left(state, day) == days_left(every, day)
    calendar = BusinessCalendar(terms.notices.holiday_calendar)
    assert (
        status_answer(state, day, calendar, show_reasons=True).json()
        == status_answer(every, day, calendar, show_reasons=True).json()
    )


def test_the_delays_within_reach_leave_out_the_old_ones() -> None:
    drawn = [(400, EventKind.DELAY, 30)] * 12  # one 30-day delay every 400 days or so
    state = _long_history(NSTOR, drawn)
    assert len(state.delays) == 12
    last = state.delays[-1]
    assert state.delays_reaching(last.start) == [d.delay for d in state.delays[-2:]]
