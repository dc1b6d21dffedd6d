"""Long histories for the benchmarks: counsel's record of a busy agreement, as the lines of a
file for `regrights import`.

The record opens with a Short-Form registration demanded, filed and declared effective (an
Allowed Delay needs a registration to delay, §2(d)). Each year of the record then holds an
Allowed Delay that is begun, extended and ended early, then every month from March to December
a piggyback notice answered within the §2(b)(i) window, a notice recorded by mistake and undone,
and a §3(e) suspension lifted five days later: 63 events a year. The record ends before today,
and every line but `undo` says the day it happened (`on D`, or a delay's `from D`), so the
whole file is accepted in one import. `undo` takes no date: its retraction is recorded as of
the day of the import, and it retracts the mistaken notice just the same.
"""

from __future__ import annotations

from datetime import date, timedelta

EVENTS_A_YEAR = 63


def year_of_record(year: int) -> list[str]:
    start = date(year, 1, 10)
    extended, ended = start + timedelta(days=5), start + timedelta(days=25)
    lines = [
        f"delay 20 from {start} reason i",
        f"delay extend 10 on {extended}",
        f"delay end on {ended}",
    ]
    for month in range(3, 13):
        notice, answered, mistaken, suspended, resumed = (
            date(year, month, day) for day in (1, 5, 10, 15, 20)
        )
        lines += [
            f"piggyback-notice on {notice}",
            f"piggyback-requested 250000 on {answered}",
            f"piggyback-notice on {mistaken}",
            "undo",
            f"suspend on {suspended}",
            f"resume on {resumed}",
        ]
    return lines


def registration(year: int) -> list[str]:
    eligible, demanded, notified, filed, effective = (date(year, 1, d) for d in (2, 3, 4, 5, 8))
    return [
        f"s3-eligible on {eligible}",
        f"demand 1000000 on {demanded}",
        f"holders-notified on {notified}",
        f"filed on {filed}",
        f"effective on {effective}",
    ]


def record_of(events: int, today: date) -> list[str]:
    """The first `events` lines of a record running through the last full year before today."""
    years = -(-events // EVENTS_A_YEAR)
    first = today.year - years
    lines = registration(first)
    lines += [line for year in range(first, today.year) for line in year_of_record(year)]
    return lines[:events]
