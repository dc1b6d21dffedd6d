"""How dates, day counts and sections read, in every front."""

from __future__ import annotations

from datetime import date

from domain.rules.calendar import BusinessCalendar
from domain.services.wording import section

__all__ = ["day", "days", "days_left", "section"]


def day(value: date, calendar: BusinessCalendar | None = None) -> str:
    """`2026-12-06 (Sun)`; a holiday is named, since the agreement does not move a due date."""
    label = value.strftime("%a")
    holiday = calendar.holiday_name(value) if calendar else None
    if holiday:
        label += f", {holiday}"
    return f"{value.isoformat()} ({label})"


def days(count: int) -> str:
    return f"{count} day" if abs(count) == 1 else f"{count} days"


def days_left(count: int) -> str:
    if count == 0:
        return "due today"
    if count > 0:
        return f"{days(count)} left"
    return f"{days(-count)} overdue"
