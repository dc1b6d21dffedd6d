"""§2(d): at most 90 delay days and at most one delay beginning in any 12-month period."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.terms import AllowedDelayTerms, load_profile

RULE = AllowedDelayRule(load_profile("nstor-2002").allowed_delay)
TWELVE_MONTHS = relativedelta(months=12)


def test_a_delay_of_n_days_covers_n_days_and_expires_on_the_next() -> None:
    delay = Delay(date(2026, 11, 2), 30)
    assert delay.last_day == date(2026, 12, 1)
    assert delay.expires == date(2026, 12, 2)
    assert delay.is_active_on(date(2026, 12, 1))
    assert not delay.is_active_on(date(2026, 12, 2))


def test_a_second_delay_within_twelve_months_breaks_the_once_rule() -> None:
    first = Delay(date(2026, 1, 10), 10)
    assert RULE.breach([first, Delay(date(2027, 1, 9), 10)]) is not None
    assert RULE.breach([first, Delay(date(2027, 1, 10), 10)]) is None


def test_ninety_one_days_in_a_leap_window_is_a_breach() -> None:
    # 2027-02-01 for 90 days runs to 2027-05-01. A second delay from 2028-02-01 is 12 months
    # later, but the 12 months from 2027-03-01 hold 62 days of the first delay and every day
    # of February 2028 (29 days): 91 days.
    first = Delay(date(2027, 2, 1), 90)
    breach = RULE.breach([first, Delay(date(2028, 2, 1), 29)])
    assert breach is not None and "91 delay days" in breach.message
    assert RULE.breach([first, Delay(date(2028, 2, 1), 28)]) is None


def test_a_delay_over_ninety_days_is_never_allowed() -> None:
    assert RULE.breach([Delay(date(2026, 1, 1), 91)]) is not None
    assert RULE.next_start_allowed([], date(2026, 1, 1), 91) is None


def test_next_start_allowed_is_twelve_months_after_the_last_start() -> None:
    delays = [Delay(date(2026, 11, 2), 30)]
    assert RULE.next_start_allowed(delays, date(2026, 11, 25), 30) == date(2027, 11, 2)
    assert RULE.next_start_allowed(delays, date(2028, 1, 1), 30) == date(2028, 1, 1)


def test_next_start_allowed_steps_past_the_leap_window() -> None:
    first = [Delay(date(2027, 2, 1), 90)]
    assert RULE.next_start_allowed(first, date(2027, 6, 1), 90) == date(2028, 2, 2)


def test_days_used_counts_delays_begun_in_the_twelve_months_ending_that_day() -> None:
    delays = [Delay(date(2026, 2, 1), 40), Delay(date(2027, 2, 1), 20)]
    assert RULE.days_used(delays, date(2026, 1, 31)) == 0
    assert RULE.days_used(delays, date(2026, 2, 1)) == 40
    assert RULE.days_used(delays, date(2027, 1, 31)) == 40
    assert RULE.days_used(delays, date(2027, 2, 1)) == 20


def test_a_profile_with_two_delays_and_sixty_days() -> None:
    rule = AllowedDelayRule(
        AllowedDelayTerms(
            section="5(b)", max_days=60, max_delays=2, period_months=12, reasons={"a": "x"}
        )
    )
    delays = [Delay(date(2026, 1, 1), 30), Delay(date(2026, 3, 1), 30)]
    assert rule.breach(delays) is None
    assert rule.breach([*delays, Delay(date(2026, 6, 1), 1)]) is not None
    assert rule.breach([Delay(date(2026, 1, 1), 30), Delay(date(2026, 3, 1), 31)]) is not None


def _brute_force_ok(delays: list[Delay]) -> bool:
    if not delays:
        return True
    days = {d.start + timedelta(days=i) for d in delays for i in range(d.days)}
    first = min(d.start for d in delays) - timedelta(days=400)
    last = max(d.expires for d in delays)
    window = first
    while window <= last:
        end = window + TWELVE_MONTHS
        if sum(1 for x in days if window <= x < end) > 90:
            return False
        if sum(1 for d in delays if window <= d.start < end) > 1:
            return False
        window += timedelta(days=1)
    return True


requests = st.lists(
    st.tuples(st.integers(min_value=0, max_value=1500), st.integers(min_value=1, max_value=120)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(requests)
def test_accepted_delays_never_exceed_either_cap_in_any_window(asks: list[tuple[int, int]]) -> None:
    origin = date(2027, 1, 1)
    accepted: list[Delay] = []
    for offset, length in asks:
        candidate = Delay(origin + timedelta(days=offset), length)
        if RULE.breach([*accepted, candidate]) is None:
            accepted.append(candidate)
    assert _brute_force_ok(accepted)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 700), st.integers(1, 90)), max_size=3),
    st.integers(0, 800),
    st.integers(1, 90),
)
def test_next_start_allowed_is_the_first_day_that_breaks_nothing(
    existing: list[tuple[int, int]], from_offset: int, length: int
) -> None:
    origin = date(2027, 1, 1)
    delays: list[Delay] = []
    for offset, days in existing:
        candidate = Delay(origin + timedelta(days=offset), days)
        if RULE.breach([*delays, candidate]) is None:
            delays.append(candidate)
    start = origin + timedelta(days=from_offset)
    found = RULE.next_start_allowed(delays, start, length)
    assert found is not None
    assert RULE.breach([*delays, Delay(found, length)]) is None
    assert not any(d.is_active_on(found) for d in delays)
    day = start
    while day < found:
        blocked = any(d.is_active_on(day) for d in delays)
        assert blocked or RULE.breach([*delays, Delay(day, length)]) is not None
        day += timedelta(days=1)
