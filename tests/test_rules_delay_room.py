"""How much Allowed Delay is left (§2(d)): the longest new delay, the most an extension can add,
and the Feb 29 reading."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.terms import load_profile

RULE = AllowedDelayRule(load_profile("nstor-2002").allowed_delay)  # 90 days, 1 delay, 12 months
ORIGIN = date(2026, 1, 1)


def test_longest_and_extension_by_hand() -> None:
    first = Delay(date(2026, 1, 5), 30)
    assert RULE.longest_from([], date(2026, 1, 5)) == 90
    assert RULE.longest_from([first], date(2026, 1, 20)) == 0  # one is running
    assert RULE.longest_from([first], date(2026, 6, 1)) == 0  # a second beginning in 12 months
    # 12 months after 2026-01-05 is 2027-01-05: a new delay may begin then, for 90 days.
    assert RULE.longest_from([first], date(2027, 1, 5)) == 90
    assert RULE.extend_max([first], first) == 60  # 90 - 30


def test_the_feb_29_question() -> None:
    # dateutil: 2028-02-29 + 12 months = 2029-02-28; the other reading is 2029-03-01.
    assert RULE.leap_day_question(date(2028, 2, 29)) == (date(2029, 2, 28), date(2029, 3, 1))
    assert RULE.leap_day_question(date(2028, 2, 28)) is None
    # The 2028 delay leaves room on 2029-02-28 by the reading applied.
    assert RULE.longest_from([Delay(date(2028, 2, 29), 10)], date(2029, 2, 28)) == 90
    assert RULE.longest_from([Delay(date(2028, 2, 29), 10)], date(2029, 2, 27)) == 0


_DELAYS = st.lists(
    st.tuples(st.integers(0, 1500), st.integers(1, 90)).map(
        lambda t: Delay(ORIGIN + timedelta(days=t[0]), t[1])
    ),
    max_size=4,
).filter(lambda ds: RULE.breach(ds) is None)


@settings(max_examples=200, deadline=None)
@given(_DELAYS, st.integers(0, 1600))
def test_the_longest_new_delay_is_allowed_and_one_day_more_is_not(
    delays: list[Delay], offset: int
) -> None:
    start = ORIGIN + timedelta(days=offset)
    longest = RULE.longest_from(delays, start)
    running = any(d.is_active_on(start) for d in delays)
    if longest > 0:
        assert not running
        assert RULE.breach([*delays, Delay(start, longest)]) is None
    if not running and longest < RULE.terms.max_days:
        assert RULE.breach([*delays, Delay(start, longest + 1)]) is not None


@settings(max_examples=200, deadline=None)
@given(_DELAYS.filter(bool), st.data())
def test_the_extension_room_is_exact(delays: list[Delay], data: st.DataObject) -> None:
    active = data.draw(st.sampled_from(delays))
    room = RULE.extend_max(delays, active)
    others = [d for d in delays if d is not active]
    assert RULE.breach([*others, Delay(active.start, active.days + room)]) is None
    assert RULE.breach([*others, Delay(active.start, active.days + room + 1)]) is not None
