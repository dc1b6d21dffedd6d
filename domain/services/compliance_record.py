"""The `compliance` answer, and the warnings an event gets when it closes or opens a deadline late."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.rules.calendar import BusinessCalendar
from domain.rules.compliance import Lateness, Obligation, Outcome, obligations
from domain.rules.deadlines import DeadlineKind
from domain.rules.registration import AgreementState
from domain.services.replies import Reply
from domain.services.wording import day, days, section

OBLIGATION_TITLES = {
    DeadlineKind.HOLDER_NOTICE: "Notice of the demand to the other security holders",
    DeadlineKind.HOLDER_INCLUSION: "Other holders' requests for inclusion",
    DeadlineKind.REQUESTED_INFO: "Requested Information notice to the Investor",
    DeadlineKind.EFFECTIVENESS: "Registration Statement effective",
    DeadlineKind.DELAY_EXPIRY: "Allowed Delay expiry",
    DeadlineKind.PIGGYBACK_REQUEST: "Investor's piggyback request",
}


def obligation_data(record: Obligation) -> dict[str, Any]:
    return {
        "kind": record.kind.value,
        "section": record.section,
        "due": record.due.isoformat(),
        "closed_on": record.closed_on.isoformat() if record.closed_on else None,
        "outcome": record.outcome.value,
        "days_late": record.days_late,
        "opened_on": record.opened_on.isoformat(),
        "key": record.key,
    }


def compliance_reply(state: AgreementState, as_of: date, calendar: BusinessCalendar) -> Reply:
    records = obligations(state, as_of)
    data = {
        "ok": True,
        "as_of": as_of.isoformat(),
        "obligations": [obligation_data(r) for r in records],
    }
    return Reply(ok=True, text=compliance_text(records, as_of, calendar), data=data)


def compliance_text(records: list[Obligation], as_of: date, calendar: BusinessCalendar) -> str:
    if not records:
        return f"No deadline has run as of {day(as_of)}."
    lines = [f"Compliance record as of {day(as_of)}, by due date:"]
    lines += [
        f"• {day(r.due, calendar)} — {OBLIGATION_TITLES[r.kind]} ({section(r.section)}): "
        + _outcome(r, as_of)
        for r in records
    ]
    return "\n".join(lines)


def _outcome(record: Obligation, as_of: date) -> str:
    closed = record.closed_on
    late = record.days_late or 0
    if record.outcome is Outcome.MET:
        return f"met on {day(closed)}" if closed else "met"
    if record.outcome is Outcome.LATE:
        assert closed is not None
        return f"LATE — met on {day(closed)}, {days(late)} late"
    if record.outcome is Outcome.MISSED:
        if closed is None:
            return f"MISSED — not met, {days(late)} overdue"
        return f"MISSED — never met; {_ended_by(record)} on {day(closed)}, {days(late)} after it was due"
    if record.outcome is Outcome.OPEN:
        left = (record.due - as_of).days
        return "open, due today" if left == 0 else f"open, {days(left)} left"
    return "lapsed (the window closed)" if closed is None else "lapsed"


def _ended_by(record: Obligation) -> str:
    if record.kind is DeadlineKind.REQUESTED_INFO:
        return "the Registration Statement was filed without it"
    return "it stopped running"


def lateness_warnings(found: Lateness) -> list[str]:
    """One warning per obligation an event closed after its due date or began already overdue."""
    warnings = []
    for record in found.closed_late:
        assert record.closed_on is not None
        title = f"{OBLIGATION_TITLES[record.kind]} ({section(record.section)})"
        late = days(record.days_late or 0)
        if record.performed:
            warnings.append(
                f"Late: {title} was due {day(record.due)} and met on {day(record.closed_on)}, "
                f"{late} late."
            )
        else:
            warnings.append(
                f"Missed: {title} was due {day(record.due)} and never met; "
                f"{_ended_by(record)} on {day(record.closed_on)}, {late} after it was due."
            )
    warnings += [
        f"Overdue: {OBLIGATION_TITLES[r.kind]} ({section(r.section)}) was due {day(r.due)}: "
        f"already {days(r.days_late or 0)} overdue."
        for r in found.opened_overdue
    ]
    return warnings
