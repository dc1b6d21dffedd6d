"""The pure parts of counsel's outputs: calendar entries and the timeline's data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.alert_plan import leads_in_force
from domain.rules.calendar import BusinessCalendar
from domain.rules.deadline_calendar import calendar_entries, entry_uid
from domain.rules.deadlines import Deadline, DeadlineKind, running_deadlines
from domain.rules.events import Event, EventKind, Facts
from domain.rules.registration import AgreementState, replay
from domain.rules.terms import load_profile
from domain.rules.timeline import timeline
from domain.rules.violation import RuleViolation
from domain.services.commands import parse_command
from domain.services.grammar import CalendarLink, TimelineRequest, UsageError
from domain.services.views import status_answer

TERMS = load_profile("nstor-2002")
US = BusinessCalendar("US")
LEADS = [14, 7, 3, 1, 0]


def _deadline(due: date, opened_on: date, key: str = "delay_expiry#3") -> Deadline:
    return Deadline(
        DeadlineKind.DELAY_EXPIRY, "2(d)", "Allowed Delay expires", "act", due, opened_on, key
    )


def _history(*delays: tuple[date, int], demand: bool = True) -> list[Event]:
    """A pending demand (something to delay), then the delays given."""
    events = [Event(1, EventKind.S3_ELIGIBLE, date(2024, 1, 2), date(2024, 1, 2))]
    if demand:
        events.append(
            Event(2, EventKind.DEMAND, date(2024, 1, 8), date(2024, 1, 8), Facts(shares=1000))
        )
    for start, days in delays:
        seq = len(events) + 1
        events.append(Event(seq, EventKind.DELAY, start, start, Facts(days=days, reason="ii")))
    return events


def test_an_entry_is_the_deadline_on_its_due_date_with_the_leads_in_force() -> None:
    deadline = _deadline(date(2026, 12, 25), opened_on=date(2026, 12, 20))
    (entry,) = calendar_entries([deadline], LEADS, US)
    assert entry.uid == "delay_expiry#3@regrights" == entry_uid(deadline)
    assert entry.due == date(2026, 12, 25)
    assert (entry.section, entry.title, entry.action) == ("2(d)", "Allowed Delay expires", "act")
    # Opened five days before due: the 14- and 7-day leads fell before it, as for the alerts.
    assert entry.alarm_leads == (3, 1, 0)
    assert entry.not_business_day == "Christmas Day"


def test_a_due_date_on_a_weekend_is_named_and_a_business_day_is_not() -> None:
    sunday, monday = date(2026, 12, 6), date(2026, 12, 7)
    entries = calendar_entries(
        [_deadline(sunday, sunday - timedelta(30)), _deadline(monday, monday - timedelta(30))],
        LEADS,
        US,
    )
    assert [e.not_business_day for e in entries] == ["Sunday", None]


@given(
    due_offset=st.integers(min_value=-30, max_value=400),
    leads=st.lists(st.integers(min_value=0, max_value=365), min_size=1, max_size=20),
)
def test_alarm_leads_never_fall_before_the_deadline_opened(
    due_offset: int, leads: list[int]
) -> None:
    opened = date(2026, 1, 1)
    deadline = _deadline(opened + timedelta(days=max(due_offset, 0)), opened)
    kept = leads_in_force(deadline, leads)
    assert kept == sorted(set(kept), reverse=True)
    assert set(kept) == {lead for lead in leads if deadline.due - timedelta(lead) >= opened}


def test_extending_a_delay_moves_its_entry_and_keeps_its_uid() -> None:
    events = _history((date(2024, 3, 1), 20))
    extend = Event(4, EventKind.DELAY_EXTEND, date(2024, 3, 5), date(2024, 3, 5), Facts(days=10))
    before, after = (
        [
            e
            for e in calendar_entries(
                running_deadlines(replay(h, TERMS), date(2024, 3, 5)), LEADS, US
            )
            if e.kind == "delay_expiry"
        ]
        for h in (events, [*events, extend])
    )
    assert [e.uid for e in before] == [e.uid for e in after] == ["delay_expiry#3@regrights"]
    assert (before[0].due, after[0].due) == (date(2024, 3, 21), date(2024, 3, 31))


def test_the_timeline_of_two_delays() -> None:
    state = replay(_history((date(2024, 3, 1), 30), (date(2025, 3, 10), 45)), TERMS)
    t = timeline(state, date(2025, 4, 1))
    assert [(d.start, d.expires, d.days, d.running) for d in t.delays] == [
        (date(2024, 3, 1), date(2024, 3, 31), 30, False),
        (date(2025, 3, 10), date(2025, 4, 24), 45, True),
    ]
    trailing, opened = t.windows
    # The 12 months ending 2025-04-01 begin on 2024-04-02: the delay of 2024-03-01 is out.
    assert (trailing.first, trailing.end, trailing.days_used) == (
        date(2024, 4, 2),
        date(2025, 4, 2),
        45,
    )
    assert (opened.first, opened.end, opened.days_used, opened.opened_by) == (
        date(2025, 3, 10),
        date(2026, 3, 10),
        45,
        date(2025, 3, 10),
    )
    assert t.next_start_allowed == date(2026, 3, 10)
    assert [(d.kind, d.due) for d in t.deadlines] == [
        ("holder_notice", date(2024, 1, 18)),
        ("delay_expiry", date(2025, 4, 24)),
    ]
    assert (t.max_days, t.period_months, t.delay_section) == (90, 12, "2(d)")


def _accepted(starts_and_days: list[tuple[int, int]], demand: bool) -> AgreementState:
    """Replay each delay in turn, keeping those the agreement allows."""
    events = _history(demand=demand)
    day = date(2024, 2, 1)
    for gap, days in starts_and_days:
        day += timedelta(days=gap)
        candidate = Event(len(events) + 1, EventKind.DELAY, day, day, Facts(days=days))
        try:
            replay([*events, candidate], TERMS)
        except RuleViolation:
            continue
        events.append(candidate)
    return replay(events, TERMS)


@settings(max_examples=60, deadline=None)
@given(
    delays=st.lists(
        st.tuples(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=90)),
        max_size=6,
    ),
    look=st.integers(min_value=0, max_value=900),
    demand=st.booleans(),
)
def test_the_timeline_says_what_status_says(
    delays: list[tuple[int, int]], look: int, demand: bool
) -> None:
    state = _accepted(delays, demand)
    as_of = date(2024, 2, 1) + timedelta(days=look)
    t = timeline(state, as_of)
    status = status_answer(state, as_of, US, show_reasons=False).json()
    assert t.days_used_12m == status["delay"]["days_used_12m"] == t.windows[0].days_used
    expected_next = status["delay"]["next_start_allowed"]
    assert (t.next_start_allowed.isoformat() if t.next_start_allowed else None) == expected_next
    assert [d.due.isoformat() for d in t.deadlines] == [d["due"] for d in status["deadlines"]]
    assert len(t.delays) == len(state.delays)
    assert t.nothing_to_delay is not demand  # with no demand, nothing may be delayed
    for window in t.windows:
        # The agreement let every one of these delays stand: no window holds more than 90.
        assert 0 <= window.days_used <= TERMS.allowed_delay.max_days


def test_the_grammar_of_timeline_and_calendar() -> None:
    assert parse_command("timeline").command == TimelineRequest()
    assert parse_command("Calendar LINK").command == CalendarLink(reset=False)
    assert parse_command("calendar reset").command == CalendarLink(reset=True)
    for bad in ("timeline now", "calendar", "calendar link now", "calendar delete"):
        with pytest.raises(UsageError) as raised:
            parse_command(bad)
        assert raised.value.usage in {
            "timeline",
            "calendar link",
            "calendar link · calendar reset",
        }
