"""Business days and when a notice takes effect (§9(b) in the nstor-2002 profile)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import holidays


class Delivery(StrEnum):
    """How a notice was given: personally delivered, or deposited in the mail."""

    HAND = "hand"
    MAIL = "mail"


@cache
def _holiday_table(calendar: str, year: int) -> frozenset[date]:
    # The holidays package lists observed dates (a Saturday holiday observed on the
    # Friday before, a Sunday one on the Monday after) beside the holidays themselves.
    return frozenset(holidays.country_holidays(calendar, years=year).keys())


class BusinessCalendar:
    """Monday to Friday, less the public holidays of one `holidays` country calendar."""

    def __init__(self, calendar: str) -> None:
        self.calendar = calendar

    def is_holiday(self, day: date) -> bool:
        return day in _holiday_table(self.calendar, day.year)

    def holiday_name(self, day: date) -> str | None:
        if not self.is_holiday(day):
            return None
        return holidays.country_holidays(self.calendar, years=day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_business_days(self, start: date, count: int) -> date:
        """The `count`-th business day after `start` (`start` itself never counts)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def effective_on(self, given_on: date, delivery: Delivery, mail_business_days: int) -> date:
        """When a notice takes effect: on receipt by hand, or N business days after deposit."""
        if delivery is Delivery.HAND:
            return given_on
        return self.add_business_days(given_on, mail_business_days)
