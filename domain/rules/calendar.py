"""Business days, and when a notice takes effect under the notices clause (§9(b) in the
nstor-2002 profile)."""

from __future__ import annotations

import importlib.util
import sys
import threading
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from domain.rules.violation import RuleViolation

if TYPE_CHECKING:
    from domain.rules.terms import Notices


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
        """The `count`-th business day after `start`, or for a negative `count` the
        `-count`-th business day before it (`start` itself never counts)."""
        step = timedelta(days=1 if count >= 0 else -1)
        day = start
        remaining = abs(count)
        while remaining > 0:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day


def notice_effective_on(notices: Notices, given_on: date, delivery: Delivery) -> date:
    """When a notice given on `given_on` takes effect: on receipt when delivered by hand (the
    day given); by mail, as the profile's notices clause says: N business days or N calendar
    days after deposit. Mail effective only on receipt cannot be dated from its deposit, so a
    mailed notice is refused for such a profile (RuleViolation)."""
    if delivery is Delivery.HAND:
        return given_on
    if notices.mail_business_days is not None:
        calendar = BusinessCalendar(notices.holiday_calendar)
        return calendar.add_business_days(given_on, notices.mail_business_days)
    if notices.mail_days is not None:
        return given_on + timedelta(days=notices.mail_days)
    raise RuleViolation(
        notices.section,
        f"under §{notices.section} a mailed notice takes effect only on receipt, which cannot "
        "be counted from the day it was mailed: record the notice without `by mail`, dated "
        "the day it was received",
    )
