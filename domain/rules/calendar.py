"""Business days and when a notice takes effect (§9(b) in the nstor-2002 profile)."""

from __future__ import annotations

import importlib.util
import sys
import threading
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import Any


class Delivery(StrEnum):
    """How a notice was given: personally delivered, or deposited in the mail."""

    HAND = "hand"
    MAIL = "mail"


_LOADING = threading.Lock()


def _country_holidays(calendar: str, year: int) -> Any:
    """The holidays package's table for one calendar and year (a dict of date to name)."""
    with _LOADING:
        # Importing any country runs `holidays.countries`' __init__, which imports all 250
        # country modules (a third of a second). An unexecuted module for that package, with
        # its search path, lets the one country asked for be imported alone.
        if "holidays.countries" not in sys.modules:
            spec = importlib.util.find_spec("holidays.countries")
            if spec is not None:
                sys.modules["holidays.countries"] = importlib.util.module_from_spec(spec)
        import holidays

        return holidays.country_holidays(calendar, years=year)


@cache
def _holiday_table(calendar: str, year: int) -> frozenset[date]:
    # The holidays package lists observed dates (a Saturday holiday observed on the
    # Friday before, a Sunday one on the Monday after) beside the holidays themselves.
    return frozenset(_country_holidays(calendar, year).keys())


class BusinessCalendar:
    """Monday to Friday, less the public holidays of one `holidays` country calendar."""

    def __init__(self, calendar: str) -> None:
        self.calendar = calendar

    def is_holiday(self, day: date) -> bool:
        return day in _holiday_table(self.calendar, day.year)

    def holiday_name(self, day: date) -> str | None:
        if not self.is_holiday(day):
            return None
        name: str | None = _country_holidays(self.calendar, day.year).get(day)
        return name

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
