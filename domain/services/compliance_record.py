"""The `compliance` answer and its data, and the warnings an event gets when it closes a deadline
late or opens one already overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.rules.calendar import BusinessCalendar
from domain.rules.compliance import Lateness, Obligation, obligations
from domain.rules.deadlines import DeadlineKind
from domain.rules.registration import AgreementState
from domain.services.answers import Compliance
from domain.services.replies import Reply
from domain.services.wording import section

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
        "moved_to": record.moved_to.isoformat() if record.moved_to else None,
    }


def compliance_reply(state: AgreementState, as_of: date, calendar: BusinessCalendar) -> Reply:
    records = obligations(state, as_of)
    data = {
        "ok": True,
        "as_of": as_of.isoformat(),
        "obligations": [obligation_data(r) for r in records],
    }
    return Reply(ok=True, answer=Compliance(as_of, records, calendar), data=data)


def ended_by(record: Obligation) -> str:
    """What stopped an obligation that was never met."""
    if record.moved_to is not None:
        return f"the filing was re-planned (the notice now due {record.moved_to})"
    if record.kind is DeadlineKind.REQUESTED_INFO:
        return "the Registration Statement was filed without it"
    return "it stopped running"


def lateness_warnings(found: Lateness) -> list[str]:
    """One warning per obligation an event closed after its due date or began already overdue."""
    warnings = []
    for record in found.closed_late:
        assert record.closed_on is not None
        title = f"{OBLIGATION_TITLES[record.kind]} ({section(record.section)})"
        late = _days(record.days_late or 0)
        if record.performed:
            warnings.append(
                f"Late: {title} was due {record.due} and met on {record.closed_on}, {late} late."
            )
        else:
            warnings.append(
                f"Missed: {title} was due {record.due} and never met; {ended_by(record)} on "
                f"{record.closed_on}, {late} after it was due."
            )
    warnings += [
        f"Overdue: {OBLIGATION_TITLES[r.kind]} ({section(r.section)}) was due {r.due}: "
        f"already {_days(r.days_late or 0)} overdue."
        for r in found.opened_overdue
    ]
    return warnings


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
