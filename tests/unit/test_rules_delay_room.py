"""The Feb 29 reading of "12 months" (§2(d)), and the days left once there is something to delay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.delay_room import longest_new_delay
from domain.rules.terms import load_profile

RULE = AllowedDelayRule(load_profile("nstor-2002").allowed_delay)  # 90 days, 1 delay, 12 months


def test_the_feb_29_question() -> None:
    # dateutil: 2028-02-29 + 12 months = 2029-02-28; the other reading is 2029-03-01.
    assert RULE.leap_day_question(date(2028, 2, 29)) == (date(2029, 2, 28), date(2029, 3, 1))
    assert RULE.leap_day_question(date(2028, 2, 28)) is None
    # The 2028 delay leaves room on 2029-02-28 by the reading applied, none the day before.
    assert longest_new_delay(RULE, [Delay(date(2028, 2, 29), 10)], date(2029, 2, 28)) == 90
    assert longest_new_delay(RULE, [Delay(date(2028, 2, 29), 10)], date(2029, 2, 27)) == 0


def test_a_leap_year_period_from_feb_29_ends_on_feb_29() -> None:
    # Four years on there is a Feb 29: a 48-month profile raises no question.
    forty_eight = AllowedDelayRule(replace(RULE.terms, period_months=48))
    assert forty_eight.leap_day_question(date(2028, 2, 29)) is None
