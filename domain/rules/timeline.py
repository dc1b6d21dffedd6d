"""What the timeline picture shows (SPEC §10): the Allowed Delays on a time axis, the
12-month windows that bind the next one with their delay days, the running deadlines, today.

The window ending today counts what `status` reports as `days_used_12m`; each delay begun
less than a period ago opens a window in which, under the nstor-2002 profile's §2(d), no
other delay may begin and whose delay days count against the cap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.rules.allowed_delay import AllowedDelayRule
from domain.rules.deadlines import running_deadlines
from domain.rules.registration import AgreementState


@dataclass(frozen=True)
class DelayBar:
    seq: int
    start: date
    expires: date  # the day filing and sales resume
    days: int
    running: bool


@dataclass(frozen=True)
class DelayWindow:
    """Delay days begun in [first, end). `opened_by` is the start of the delay whose period
    it is; None for the period ending on the as-of date."""

    first: date
    end: date
    days_used: int
    opened_by: date | None


@dataclass(frozen=True)
class DeadlineMark:
    kind: str
    title: str
    section: str
    due: date
    overdue: bool


@dataclass(frozen=True)
class Timeline:
    as_of: date
    delay_section: str
    max_days: int
    period_months: int
    days_used_12m: int
    next_start_allowed: date | None  # None also when there is nothing to delay
    nothing_to_delay: bool
    delays: tuple[DelayBar, ...]
    windows: tuple[DelayWindow, ...]
    deadlines: tuple[DeadlineMark, ...]


def timeline(state: AgreementState, as_of: date) -> Timeline:
    terms = state.terms.allowed_delay
    rule = AllowedDelayRule(terms)
    delays = [d.delay for d in state.delays]
    trailing_end = as_of + timedelta(days=1)
    trailing = DelayWindow(
        first=_period_start_ending(rule, as_of),
        end=trailing_end,
        days_used=rule.days_used(delays, as_of),
        opened_by=None,
    )
    opened = [
        DelayWindow(
            first=d.start,
            end=rule.period_end(d.start),
            days_used=sum(o.days for o in delays if d.start <= o.start < rule.period_end(d.start)),
            opened_by=d.start,
        )
        for d in sorted(delays, key=lambda d: d.start)
        if rule.period_end(d.start) > as_of
    ]
    # §2(d): a delay needs a registration to delay; without one no next start is promised.
    nothing_to_delay = not state.has_registration_to_delay(as_of)
    return Timeline(
        as_of=as_of,
        delay_section=terms.section,
        max_days=terms.max_days,
        period_months=terms.period_months,
        days_used_12m=trailing.days_used,
        next_start_allowed=None if nothing_to_delay else rule.next_start_allowed(delays, as_of, 1),
        nothing_to_delay=nothing_to_delay,
        delays=tuple(
            DelayBar(r.seq, r.start, r.delay.expires, r.days, r.delay.is_active_on(as_of))
            for r in state.delays
        ),
        windows=(trailing, *opened),
        deadlines=tuple(
            DeadlineMark(d.kind.value, d.title, d.section, d.due, d.status(as_of) == "overdue")
            for d in running_deadlines(state, as_of)
        ),
    )


def _period_start_ending(rule: AllowedDelayRule, last: date) -> date:
    """The first day of the period whose last day is `last`: the earliest start a delay may
    have and still be counted on `last` (see `AllowedDelayRule.days_used`)."""
    first = last
    step = timedelta(days=1)
    while rule.period_end(first - step) > last:
        first -= step
    return first
