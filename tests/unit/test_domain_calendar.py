"""Business days, and when a notice takes effect under a notices clause: by hand on receipt; by
mail N business days (nStor's §9(b): four) or N calendar days after deposit, or on receipt."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.rules.calendar import BusinessCalendar, Delivery, notice_effective_on
from domain.rules.terms import Notices, load_profile
from domain.rules.violation import RuleViolation

US = BusinessCalendar("US")
NSTOR = load_profile("nstor-2002").notices  # mail: four business days after deposit
THREE_CALENDAR_DAYS = Notices(section="12", holiday_calendar="US", mail_days=3)
ON_RECEIPT = Notices(section="8.2", holiday_calendar="US", mail_effective="on_receipt")


def mailed(deposit: date, notices: Notices = NSTOR) -> date:
    return notice_effective_on(notices, deposit, Delivery.MAIL)


def test_by_hand_is_the_receipt_date_even_on_a_sunday() -> None:
    for notices in (NSTOR, THREE_CALENDAR_DAYS, ON_RECEIPT):
        assert notice_effective_on(notices, date(2026, 3, 1), Delivery.HAND) == date(2026, 3, 1)


def test_mail_skips_the_weekend() -> None:
    # Deposited Thursday 2026-03-05: Fri 6, Mon 9, Tue 10, Wed 11.
    assert mailed(date(2026, 3, 5)) == date(2026, 3, 11)


def test_mail_skips_thanksgiving() -> None:
    # Deposited Wednesday 2026-11-25: Thanksgiving Thu 26; Fri 27, Mon 30, Tue 1, Wed 2.
    assert mailed(date(2026, 11, 25)) == date(2026, 12, 2)


def test_mail_skips_an_observed_holiday() -> None:
    # July 4, 2026 is a Saturday, observed Friday July 3: Mon 6, Tue 7, Wed 8, Thu 9.
    assert US.is_holiday(date(2026, 7, 3))
    assert mailed(date(2026, 7, 2)) == date(2026, 7, 9)


def test_mail_over_new_year_observed_on_friday() -> None:
    # Deposited Thu 2026-12-31; New Year's Day Fri 2027-01-01: Mon 4, Tue 5, Wed 6, Thu 7.
    assert mailed(date(2026, 12, 31)) == date(2027, 1, 7)


def test_saturday_deposit_counts_from_monday() -> None:
    assert mailed(date(2026, 3, 7)) == date(2026, 3, 12)


def test_mail_after_calendar_days_counts_weekends_and_holidays() -> None:
    # Deposited Wed 2026-11-25: three days later is Sat 28, Thanksgiving and the weekend
    # counted like any other day.
    assert mailed(date(2026, 11, 25), THREE_CALENDAR_DAYS) == date(2026, 11, 28)


def test_mail_effective_on_receipt_cannot_be_dated_from_its_deposit() -> None:
    with pytest.raises(RuleViolation, match="only on receipt") as refused:
        mailed(date(2026, 3, 5), ON_RECEIPT)
    assert refused.value.section == "8.2"


def test_a_notices_clause_says_when_mail_takes_effect_in_exactly_one_way() -> None:
    with pytest.raises(ValueError, match="in one way"):
        Notices(section="9(b)", holiday_calendar="US")
    with pytest.raises(ValueError, match="mail_business_days and mail_days"):
        replace(NSTOR, mail_days=3)


def test_counting_back_skips_weekends_and_holidays() -> None:
    # Five business days before Tue 2026-07-07: Mon 6, (Fri 3 observed Independence Day,
    # the weekend), Thu 2, Wed 1, Tue 30 June, Mon 29 June.
    assert US.add_business_days(date(2026, 7, 7), -5) == date(2026, 6, 29)


def test_juneteenth_and_christmas_are_holidays_and_names_are_given() -> None:
    assert US.is_holiday(date(2026, 6, 19))
    assert US.holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert US.holiday_name(date(2026, 12, 24)) is None
    assert not US.is_business_day(date(2026, 12, 26))


@given(
    deposit=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    count=st.integers(min_value=1, max_value=15),
)
def test_receipt_by_mail_is_always_a_business_day_exactly_count_business_days_later(
    deposit: date, count: int
) -> None:
    receipt = mailed(deposit, replace(NSTOR, mail_business_days=count))
    assert US.is_business_day(receipt)
    between = [deposit + timedelta(days=i) for i in range(1, (receipt - deposit).days + 1)]
    assert sum(US.is_business_day(d) for d in between) == count
    assert receipt - deposit <= timedelta(days=count * 2 + 6)
