"""Long histories for the benchmarks: counsel's record of a busy agreement, as command lines.

The record opens with a Short-Form registration demanded, filed and declared effective (an
Allowed Delay needs a registration to delay, §2(d)). Each year of the record then holds an Allowed Delay that is begun, extended and ended early, then
every month from March to December a piggyback notice answered within the §2(b)(i) window, a
notice recorded by mistake and undone, and a §3(e) suspension lifted five days later: 63
events a year. Every line is dated and is recorded by one user as on that day, so each one is
accepted and the record ends before today.

`load` records the lines through the service in one transaction. It is the stand-in for
`regrights import FILE` (one command per line, one transaction) until that command lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from domain.services.agreement import Caller
from domain.services.commands import parse_command
from domain.services.context import Context
from domain.services.service import RegRightsService

EVENTS_A_YEAR = 63


@dataclass(frozen=True)
class Line:
    """One command as counsel typed it on `day`."""

    day: date
    text: str


def year_of_record(year: int) -> list[Line]:
    start = date(year, 1, 10)
    lines = [
        Line(start, f"delay 20 from {start} reason i"),
        Line(start + timedelta(days=5), "delay extend 10"),
        Line(start + timedelta(days=25), f"delay end on {start + timedelta(days=25)}"),
    ]
    for month in range(3, 13):
        notice, answered = date(year, month, 1), date(year, month, 5)
        mistaken, suspended, resumed = (date(year, month, d) for d in (10, 15, 20))
        lines += [
            Line(notice, f"piggyback-notice on {notice}"),
            Line(answered, f"piggyback-requested 250000 on {answered}"),
            Line(mistaken, f"piggyback-notice on {mistaken}"),
            Line(mistaken, "undo"),
            Line(suspended, f"suspend on {suspended}"),
            Line(resumed, f"resume on {resumed}"),
        ]
    return lines


def registration(year: int) -> list[Line]:
    days = [date(year, 1, d) for d in (2, 3, 4, 5, 8)]
    return [
        Line(days[0], f"s3-eligible on {days[0]}"),
        Line(days[1], f"demand 1000000 on {days[1]}"),
        Line(days[2], f"holders-notified on {days[2]}"),
        Line(days[3], f"filed on {days[3]}"),
        Line(days[4], f"effective on {days[4]}"),
    ]


def record_of(events: int, today: date) -> list[Line]:
    """The first `events` lines of a record running through the last full year before today."""
    years = -(-events // EVENTS_A_YEAR)
    first = today.year - years
    lines = registration(first)
    lines += [line for year in range(first, today.year) for line in year_of_record(year)]
    return lines[:events]


def load(service: RegRightsService, lines: list[Line], channel: str, user: str) -> None:
    """Records `lines` in the agreement bound to `channel`, in one transaction, each through
    its command's handler as `execute` runs it; raises on the first line refused (and then
    nothing is recorded)."""
    first = _caller(user, channel, lines[0].day if lines else date.today())
    with service.uow.write() as store:
        agreement = service._bound(store, first)
        if agreement is None:
            raise RuntimeError(f"{channel} is not bound to an agreement")
        role = service.role_of(store, agreement.id, user)
        for line in lines:
            parsed = parse_command(line.text)
            caller = _caller(user, channel, line.day)
            context = Context(service, caller, agreement, store, role, usage=parsed.spec.usage)
            reply = parsed.spec.handler(context, parsed.command)
            if not reply.ok:
                raise RuntimeError(f"{line.day}: `{line.text}` refused: {reply.data}")


def _caller(user: str, channel: str, day: date) -> Caller:
    return Caller(user, channel, "bench", datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
