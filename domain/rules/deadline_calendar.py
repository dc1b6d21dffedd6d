"""The running deadlines as calendar entries (SPEC §10): one all-day entry per deadline on its
due date, keyed so that a calendar updates the entry when the date moves, with an alarm per
lead day in force. A deadline carries no delay reason, so neither does an entry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.rules.alert_plan import leads_in_force
from domain.rules.calendar import BusinessCalendar
from domain.rules.deadlines import Deadline

UID_DOMAIN = "regrights"


@dataclass(frozen=True)
class CalendarEntry:
    """One deadline on a calendar. `not_business_day` names the weekday or holiday the due
    date falls on when it is not a business day (the agreement does not move it)."""

    uid: str
    kind: str
    due: date
    title: str
    section: str
    action: str
    alarm_leads: tuple[int, ...]
    not_business_day: str | None


def entry_uid(deadline: Deadline) -> str:
    """The deadline's key names it across recomputations, so a moved date keeps its UID."""
    return f"{deadline.key}@{UID_DOMAIN}"


def calendar_entries(
    deadlines: Iterable[Deadline], leads: Sequence[int], calendar: BusinessCalendar
) -> list[CalendarEntry]:
    return [
        CalendarEntry(
            uid=entry_uid(d),
            kind=d.kind.value,
            due=d.due,
            title=d.title,
            section=d.section,
            action=d.action,
            alarm_leads=tuple(leads_in_force(d, leads)),
            not_business_day=_not_business_day(d.due, calendar),
        )
        for d in deadlines
    ]


def _not_business_day(day: date, calendar: BusinessCalendar) -> str | None:
    if calendar.is_business_day(day):
        return None
    return calendar.holiday_name(day) or day.strftime("%A")
