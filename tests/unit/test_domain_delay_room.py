"""§2(d): the days still available, for a new delay and for extending the running one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.delay_room import extension_room, longest_new_delay
from domain.rules.terms import AllowedDelayTerms, load_profile

RULE = AllowedDelayRule(load_profile("nstor-2002").allowed_delay)
TWO_DELAYS = AllowedDelayRule(replace(RULE.terms, max_delays=2, max_days=60))


def test_nothing_used_leaves_the_whole_cap() -> None:
    assert longest_new_delay(RULE, [], date(2026, 3, 2)) == 90


def test_a_delay_within_twelve_months_leaves_none() -> None:
    first = Delay(date(2026, 1, 10), 10)
    assert longest_new_delay(RULE, [first], date(2027, 1, 9)) == 0
    assert longest_new_delay(RULE, [first], date(2027, 1, 10)) == 90


def test_days_left_in_the_window_bound_a_second_delay() -> None:
    # Two delays may begin in 12 months here; 40 of 60 days are used from 2026-01-01.
    first = Delay(date(2026, 1, 1), 40)
    assert longest_new_delay(TWO_DELAYS, [first], date(2026, 6, 1)) == 20


def test_no_new_delay_while_one_runs_and_the_running_one_may_grow_to_the_cap() -> None:
    running = Delay(date(2026, 3, 1), 30)
    assert longest_new_delay(RULE, [running], date(2026, 3, 15)) == 0
    assert extension_room(RULE, [running], running) == 60


def test_an_earlier_delay_limits_the_extension() -> None:
    earlier = Delay(date(2026, 1, 1), 40)
    running = Delay(date(2026, 6, 1), 10)
    assert extension_room(TWO_DELAYS, [earlier, running], running) == 10


delays = st.lists(
    st.builds(
        Delay,
        st.dates(date(2025, 1, 1), date(2027, 12, 31)),
        st.integers(1, 60),
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(delays, st.dates(date(2025, 1, 1), date(2028, 6, 30)))
def test_the_longest_new_delay_fits_and_one_day_more_does_not(
    standing: list[Delay], start: date
) -> None:
    rule = TWO_DELAYS
    if rule.breach(standing) is not None:
        return  # only a history that stands has room to speak of
    n = longest_new_delay(rule, standing, start)
    if any(d.is_active_on(start) for d in standing):
        assert n == 0
        return
    if n:
        assert rule.breach([*standing, Delay(start, n)]) is None
    assert n == rule.terms.max_days or rule.breach([*standing, Delay(start, n + 1)]) is not None


@settings(max_examples=150, deadline=None)
@given(delays, st.integers(0, 2))
def test_the_extension_room_fits_and_one_day_more_does_not(
    standing: list[Delay], which: int
) -> None:
    rule = TWO_DELAYS
    if not standing or rule.breach(standing) is not None:
        return
    running = standing[which % len(standing)]
    k = extension_room(rule, standing, running)
    others = [d for d in standing if d is not running]
    grown = Delay(running.start, running.days + k)
    assert rule.breach([*others, grown]) is None
    assert rule.breach([*others, Delay(running.start, running.days + k + 1)]) is not None


def test_a_delay_ending_the_day_before_leaves_room_the_next_day() -> None:
    past = Delay(date(2025, 1, 1), 20)
    assert longest_new_delay(RULE, [past], past.expires + timedelta(days=365)) == 90


# Periods shorter than the cap and delays longer than a period, as well as §2(d)'s own numbers.
rules = st.builds(
    AllowedDelayTerms,
    section=st.just("2(d)"),
    max_days=st.sampled_from([5, 30, 45, 60, 90, 120]),
    max_delays=st.integers(1, 3),
    period_months=st.sampled_from([1, 2, 3, 12, 13]),
    reasons=st.just(RULE.terms.reasons),
).map(AllowedDelayRule)
long_delays = st.lists(
    st.builds(Delay, st.dates(date(2025, 1, 1), date(2027, 3, 31)), st.integers(1, 130)),
    max_size=5,
)


def _longest_by_trying(rule: AllowedDelayRule, standing: list[Delay], start: date) -> int:
    """The longest delay from `start`, found by trying one more day at a time."""
    n = 0
    while n < rule.terms.max_days and rule.breach([*standing, Delay(start, n + 1)]) is None:
        n += 1
    return n


@settings(max_examples=400, deadline=None)
@given(rules, long_delays, st.dates(date(2024, 10, 1), date(2027, 12, 31)), st.integers(0, 4))
def test_the_room_worked_out_period_by_period_is_the_room_found_by_trying_each_length(
    rule: AllowedDelayRule, standing: list[Delay], start: date, which: int
) -> None:
    if rule.breach(standing) is not None:
        return
    if not any(d.is_active_on(start) for d in standing):
        assert longest_new_delay(rule, standing, start) == _longest_by_trying(rule, standing, start)
    if standing:
        running = standing[which % len(standing)]
        others = [d for d in standing if d is not running]
        grown = 0
        while grown < rule.terms.max_days and (
            rule.breach([*others, Delay(running.start, running.days + grown + 1)]) is None
        ):
            grown += 1
        assert extension_room(rule, standing, running) == grown
