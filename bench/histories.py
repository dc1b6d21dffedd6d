"""Long histories for the benchmarks: counsel's record of a busy agreement, as the lines of a
file for `regrights import`.

The record opens with a Short-Form registration demanded, filed and declared effective (an
Allowed Delay needs a registration to delay, §2(d)). Each year of the record then holds an
Allowed Delay in January that is begun, extended and ended early, then, every four days from
February to December, a piggyback notice answered the next day within the §2(b)(i) window, a
notice recorded by mistake and undone, and a §3(e) suspension lifted the day after: 465 events
a year, so that 10,000 of them fit after the agreement's date. The record ends before today,
and every line but `undo` says the day it happened (`on D`, or a delay's `from D`), so the
whole file is accepted in one import. `undo` takes no date: its retraction is recorded as of
the day of the import, and it retracts the mistaken notice just the same.
"""

from __future__ import annotations

from datetime import date, timedelta

EVENTS_A_YEAR = 465
_CYCLE_DAYS = (1, 5, 9, 13, 17, 21, 25)


def year_of_record(year: int) -> list[str]:
    start = date(year, 1, 10)
    extended, ended = start + timedelta(days=5), start + timedelta(days=20)
    lines = [
        f"delay 20 from {start} reason i",
        f"delay extend 10 on {extended}",
        f"delay end on {ended}",
    ]
    for month in range(2, 13):
        for first in _CYCLE_DAYS:
            notice, answered, mistaken, resumed = (date(year, month, first + k) for k in range(4))
            suspended = mistaken
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
    eligible, demanded, notified, filed, effective = (date(year, 1, d) for d in (2, 3, 4, 5, 6))
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
