"""The Allowed Delay rule: how many delay days, and how many delays, fit in any period.

A delay of N days from S covers S .. S+N-1 and expires on S+N, the day filing and sales
resume. In the nstor-2002 profile (§2(d)) no 12-month period may hold more than 90 delay days
or more than one delay beginning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

from dateutil.relativedelta import relativedelta

from domain.rules.terms import AllowedDelayTerms

# How far ahead `next_start_allowed` looks: past this nothing in the caps can still bind.
_SEARCH_HORIZON_PERIODS = 2


@dataclass(frozen=True)
class Delay:
    """One Allowed Delay as it stands after extensions and an early end."""

    start: date
    days: int

    @property
    def last_day(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    @property
    def expires(self) -> date:
        return self.start + timedelta(days=self.days)

    def is_active_on(self, day: date) -> bool:
        return self.start <= day < self.expires


@dataclass(frozen=True)
class DelayBreach:
    """Why a set of delays breaks the caps."""

    message: str


class AllowedDelayRule:
    """The caps of one agreement's Allowed Delay clause."""

    def __init__(self, terms: AllowedDelayTerms) -> None:
        self.terms = terms

    def period_end(self, first: date) -> date:
        """The first day after the period that begins on `first`."""
        return _months_after(first, self.terms.period_months)

    def breach(self, delays: list[Delay]) -> DelayBreach | None:
        """The first way `delays`, taken together, break a cap; None when they do not."""
        return self._count_breach(delays) or self._days_breach(delays)

    def breach_adding(self, standing: list[Delay], added: Delay) -> DelayBreach | None:
        """`breach([*standing, added])` for `standing` delays that break no cap themselves.

        Only periods holding a day of `added` (or its start) can break a cap then, so only
        delays within a period of it are counted: the cost stays flat as the history grows."""
        return self.breach([*self.within_reach(standing, added.start, added.expires), added])

    def within_reach(self, delays: list[Delay], first: date, end: date) -> list[Delay]:
        """The delays sharing a period with some day in [first, end); a period spans at most
        a month more than `period_months` of days, so one extra month on each side is safe."""
        lo = self.reach_back(first)
        hi = _months_after_or(end, self.terms.period_months + 1, date.max)
        return [d for d in delays if d.expires > lo and d.start < hi]

    def reach_back(self, first: date) -> date:
        """A delay that ends on or before this day shares no period with `first` or any day
        after it."""
        return _months_after_or(first, -(self.terms.period_months + 1), date.min)

    def _count_breach(self, delays: list[Delay]) -> DelayBreach | None:
        starts = sorted(d.start for d in delays)
        k = self.terms.max_delays
        for i in range(len(starts) - k):
            if starts[i + k] < self.period_end(starts[i]):
                began = ", ".join(str(s) for s in starts[i : i + k + 1])
                return DelayBreach(
                    f"more than {_count(k, 'delay')} would begin within {self._months} "
                    f"(delays beginning {began})"
                )
        return None

    def _days_breach(self, delays: list[Delay]) -> DelayBreach | None:
        # The busiest period begins on a delay day: moving a period's first day forward to
        # the next delay day drops only days without delay and never moves its end back.
        # Every delay day is tried, each with one subtraction of running counts.
        counts = _DayCounts(delays)
        if counts.total <= self.terms.max_days:
            return None  # not even every delay day together is too many
        for window_start in counts.delay_days():
            window_end = self.period_end(window_start)
            used = counts.between(window_start, window_end)
            if used > self.terms.max_days:
                return DelayBreach(
                    f"{used} delay days would fall in the {self._months} from {window_start}, "
                    f"more than {self.terms.max_days}"
                )
        return None

    def longest_from(self, standing: list[Delay], start: date, at_most: int) -> int:
        """The most days, up to `at_most`, a delay beginning on `start` could last beside
        `standing`, which keep the caps themselves; 0 when none could begin then.

        Worked out period by period rather than by trying lengths. A period beginning on
        `first`, on or before `start`, holds its `used` days and min(n, end - start) of a new
        delay's n, so it binds only when its end lies far enough ahead, and then
        n <= cap - used; one beginning after `start` holds n - (first - start) of them, so
        n <= cap - used + (first - start). As in `_days_breach`, only delay days (the standing
        ones and the new delay's own) need trying as first days; of the new delay's own, only
        `start` when no standing day follows it and the delay cannot outlast its period."""
        cap = self.terms.max_days
        standing = self.within_reach(standing, start, start + timedelta(days=at_most))
        if self._count_breach([*standing, Delay(start, 1)]) is not None:
            return 0
        counts = _DayCounts(standing)
        firsts = [day for day in counts.delay_days() if day < start]
        if counts.between(start, date.max) or self.period_end(start) - start < timedelta(at_most):
            firsts += [start + timedelta(days=k) for k in range(at_most)]
        else:
            firsts.append(start)  # a later period holds fewer of the new days, and no others
        longest = at_most
        for first in firsts:
            end = self.period_end(first)
            if end <= start:
                continue
            used = counts.between(first, end)
            if first <= start and used + (end - start).days > cap:
                longest = min(longest, cap - used)
            elif first > start and used + (end - first).days > cap:
                longest = min(longest, cap - used + (first - start).days)
        return max(longest, 0)

    def days_used(self, delays: list[Delay], ending_on: date) -> int:
        """Days of every delay that began in the period ending on `ending_on`, all of them."""
        return sum(d.days for d in delays if d.start <= ending_on < self.period_end(d.start))

    def next_start_allowed(self, delays: list[Delay], on_or_after: date, days: int) -> date | None:
        """The first day on or after `on_or_after` on which a delay of `days` could begin,
        given `delays` that break no cap themselves."""
        if days > self.terms.max_days:
            return None
        horizon = self.period_end(max([on_or_after, *(d.expires for d in delays)]))
        for _ in range(_SEARCH_HORIZON_PERIODS):
            horizon = self.period_end(horizon)
        delays = self.within_reach(delays, on_or_after, horizon + timedelta(days=days))
        day = on_or_after
        while day <= horizon:
            active = next((d for d in delays if d.is_active_on(day)), None)
            if active is not None:
                day = active.expires
                continue
            candidate = [*delays, Delay(day, days)]
            if self._count_breach(candidate) is not None:
                # Too many delays begin near `day`; that only eases once `day` passes the end
                # of the period begun by one of them.
                day = min(e for e in (self.period_end(d.start) for d in delays) if e > day)
                continue
            if self._days_breach(candidate) is None:
                return day
            day += timedelta(days=1)
        return None

    def leap_day_question(self, start: date) -> tuple[date, date] | None:
        """For a delay beginning on Feb 29 whose period ends in a common year: the day the bot
        takes the period to end (dateutil's Feb 28) and the other reading (Mar 1)."""
        if (start.month, start.day) != (2, 29):
            return None
        end = self.period_end(start)
        if (end.month, end.day) != (2, 28):
            return None
        return end, end + timedelta(days=1)

    @property
    def _months(self) -> str:
        return f"{self.terms.period_months} months"


@lru_cache(maxsize=8192)
def _months_after(first: date, months: int) -> date:
    # Calendar months as dateutil counts them: Feb 29 + 12 months is Feb 28.
    result: date = first + relativedelta(months=months)
    return result


def _months_after_or(first: date, months: int, beyond: date) -> date:
    """`first` moved by `months`, or `beyond` past the calendar's first or last year."""
    try:
        return _months_after(first, months)
    except (ValueError, OverflowError):
        return beyond


class _DayCounts:
    """Delay days counted over the calendar: `between(first, end)` is the number of delay days
    in [first, end), summed over the delays (days two delays share count twice)."""

    def __init__(self, delays: list[Delay]) -> None:
        self.base = min((d.start for d in delays), default=date.min).toordinal()
        top = max((d.expires for d in delays), default=date.min).toordinal()
        on_day = [0] * (top - self.base)
        for d in delays:
            first = d.start.toordinal() - self.base
            for i in range(first, first + d.days):
                on_day[i] += 1
        self.on_day = on_day
        # before[k]: delay days before the day base + k.
        self.before = list(accumulate(on_day, initial=0))
        self.total = self.before[-1]

    def delay_days(self) -> Iterator[date]:
        """Each day some delay covers, in order."""
        for offset, count in enumerate(self.on_day):
            if count:
                yield date.fromordinal(self.base + offset)

    def between(self, first: date, end: date) -> int:
        return self._upto(end) - self._upto(first)

    def _upto(self, day: date) -> int:
        offset = min(max(day.toordinal() - self.base, 0), len(self.on_day))
        return self.before[offset]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
