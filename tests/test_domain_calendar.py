"""§9(b): notices by hand take effect on receipt; by mail four business days after deposit."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.rules.calendar import BusinessCalendar, Delivery

US = BusinessCalendar("US")


def test_by_hand_is_the_receipt_date_even_on_a_sunday() -> None:
    assert US.effective_on(date(2026, 3, 1), Delivery.HAND, 4) == date(2026, 3, 1)


def test_mail_skips_the_weekend() -> None:
    # Deposited Thursday 2026-03-05: Fri 6, Mon 9, Tue 10, Wed 11.
    assert US.effective_on(date(2026, 3, 5), Delivery.MAIL, 4) == date(2026, 3, 11)


def test_mail_skips_thanksgiving() -> None:
    # Deposited Wednesday 2026-11-25: Thanksgiving Thu 26; Fri 27, Mon 30, Tue 1, Wed 2.
    assert US.effective_on(date(2026, 11, 25), Delivery.MAIL, 4) == date(2026, 12, 2)


def test_mail_skips_an_observed_holiday() -> None:
    # July 4, 2026 is a Saturday, observed Friday July 3: Mon 6, Tue 7, Wed 8, Thu 9.
    assert US.is_holiday(date(2026, 7, 3))
    assert US.effective_on(date(2026, 7, 2), Delivery.MAIL, 4) == date(2026, 7, 9)


def test_mail_over_new_year_observed_on_friday() -> None:
    # Deposited Thu 2026-12-31; New Year's Day Fri 2027-01-01: Mon 4, Tue 5, Wed 6, Thu 7.
    assert US.effective_on(date(2026, 12, 31), Delivery.MAIL, 4) == date(2027, 1, 7)


def test_saturday_deposit_counts_from_monday() -> None:
    assert US.effective_on(date(2026, 3, 7), Delivery.MAIL, 4) == date(2026, 3, 12)


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
    receipt = US.effective_on(deposit, Delivery.MAIL, count)
    assert US.is_business_day(receipt)
    between = [deposit + timedelta(days=i) for i in range(1, (receipt - deposit).days + 1)]
    assert sum(US.is_business_day(d) for d in between) == count
    assert receipt - deposit <= timedelta(days=count * 2 + 6)
