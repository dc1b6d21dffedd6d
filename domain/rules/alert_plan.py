"""When a deadline's alerts fall (SPEC §5): dates, an hour and a timezone, nothing else.

A deadline's alert slots are its lead days (due - lead, at the alert hour in the agreement's
timezone, skipping days before the deadline opened), then, for a deadline that can be
overdue, the day after the due date and every 7 days after that. At any moment the slot to
post is the latest one whose time has come: it supersedes every earlier one not yet posted,
so a bot that was down catches up with one alert per deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.rules.deadlines import CLOSED_BY_PASSING, Deadline

OVERDUE_EVERY = 7


@dataclass(frozen=True)
class Schedule:
    """An agreement's alert settings: lead days before due, the hour, the timezone."""

    leads: Sequence[int]
    at: time
    zone: ZoneInfo

    def moment(self, day: date) -> datetime:
        """`day` at the alert hour in the zone, in UTC. An hour a DST change skips reads as the
        hour after it; one it repeats, as its first occurrence."""
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(UTC)


@dataclass(frozen=True)
class Slot:
    """One alert of one deadline: `offset` days from the due date (-lead, or +1, +8 … overdue)."""

    deadline: Deadline
    offset: int
    at: datetime

    @property
    def key(self) -> str:
        """Names the slot among the deadline's; a moved due date gives new keys."""
        return f"{self.deadline.due.isoformat()}@{self.offset:+d}"


@dataclass(frozen=True)
class AlertPlan:
    """What to post now (one slot per deadline at most) and when the next slot falls."""

    due_now: list[Slot]
    next_at: datetime | None

    @property
    def wake_at(self) -> datetime | None:
        """The earliest moment a pass has something to do: a slot due now, or the next one."""
        times = [slot.at for slot in self.due_now]
        if self.next_at is not None:
            times.append(self.next_at)
        return min(times, default=None)


def plan_alerts(
    deadlines: Iterable[Deadline],
    schedule: Schedule,
    now: datetime,
    claimed_through: Mapping[str, datetime] | None = None,
) -> AlertPlan:
    """`claimed_through` maps a deadline's key to the time of its latest slot already taken
    (posted, being posted or skipped); nothing at or before it is posted again."""
    claimed = claimed_through or {}
    due_now: list[Slot] = []
    upcoming: list[datetime] = []
    for deadline in deadlines:
        taken = claimed.get(deadline.key)
        current = latest_slot(deadline, schedule, now)
        if current is not None and (taken is None or current.at > taken):
            due_now.append(current)
        following = next_slot_after(deadline, schedule, max(now, taken) if taken else now)
        if following is not None:
            upcoming.append(following.at)
    return AlertPlan(due_now, min(upcoming, default=None))


def slots(deadline: Deadline, schedule: Schedule) -> Iterator[Slot]:
    """Every slot of the deadline in time order; endless for a deadline that can be overdue."""
    yield from _lead_slots(deadline, schedule)
    if deadline.kind in CLOSED_BY_PASSING:
        return
    offset = 1
    while True:
        yield _slot(deadline, schedule, offset)
        offset += OVERDUE_EVERY


def latest_slot(deadline: Deadline, schedule: Schedule, now: datetime) -> Slot | None:
    """The latest slot whose time has come by `now`, if any."""
    overdue = _overdue_on_or_before(deadline, schedule, _local_day(now, schedule))
    if overdue is not None and overdue.at > now:
        overdue = _overdue_week_before(deadline, schedule, overdue)
    if overdue is not None:
        return overdue
    passed = [slot for slot in _lead_slots(deadline, schedule) if slot.at <= now]
    return passed[-1] if passed else None


def next_slot_after(deadline: Deadline, schedule: Schedule, after: datetime) -> Slot | None:
    """The first slot strictly after `after`, if any."""
    for slot in _lead_slots(deadline, schedule):
        if slot.at > after:
            return slot
    if deadline.kind in CLOSED_BY_PASSING:
        return None
    candidate = _overdue_on_or_after(deadline, schedule, _local_day(after, schedule))
    if candidate.at <= after:
        candidate = _slot(deadline, schedule, candidate.offset + OVERDUE_EVERY)
    return candidate


def leads_in_force(deadline: Deadline, leads: Iterable[int]) -> list[int]:
    """The lead days that fall on or after the day the deadline opened, longest first."""
    return [
        lead
        for lead in sorted(set(leads), reverse=True)
        if deadline.due - timedelta(days=lead) >= deadline.opened_on
    ]


def _lead_slots(deadline: Deadline, schedule: Schedule) -> list[Slot]:
    """Lead slots in time order; a lead falling before the deadline opened is skipped."""
    return [_slot(deadline, schedule, -lead) for lead in leads_in_force(deadline, schedule.leads)]


def _overdue_on_or_before(deadline: Deadline, schedule: Schedule, day: date) -> Slot | None:
    if deadline.kind in CLOSED_BY_PASSING:
        return None
    days_after = (day - deadline.due).days
    if days_after < 1:
        return None
    weeks = (days_after - 1) // OVERDUE_EVERY
    return _slot(deadline, schedule, 1 + weeks * OVERDUE_EVERY)


def _overdue_on_or_after(deadline: Deadline, schedule: Schedule, day: date) -> Slot:
    days_after = max((day - deadline.due).days, 1)
    weeks = -(-(days_after - 1) // OVERDUE_EVERY)
    return _slot(deadline, schedule, 1 + weeks * OVERDUE_EVERY)


def _overdue_week_before(deadline: Deadline, schedule: Schedule, slot: Slot) -> Slot | None:
    offset = slot.offset - OVERDUE_EVERY
    return _slot(deadline, schedule, offset) if offset >= 1 else None


def _slot(deadline: Deadline, schedule: Schedule, offset: int) -> Slot:
    return Slot(deadline, offset, schedule.moment(deadline.due + timedelta(days=offset)))


def _local_day(moment: datetime, schedule: Schedule) -> date:
    return moment.astimezone(schedule.zone).date()
