"""The deadline engine: which of the agreement's clocks are running, and when each is due."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.rules.registration import AgreementState, CycleStatus, DelayRecord


class DeadlineKind(StrEnum):
    HOLDER_NOTICE = "holder_notice"
    HOLDER_INCLUSION = "holder_inclusion"
    REQUESTED_INFO = "requested_info"
    EFFECTIVENESS = "effectiveness"
    DELAY_EXPIRY = "delay_expiry"
    PIGGYBACK_REQUEST = "piggyback_request"


# Kinds that close by passing their date: they are never overdue, they drop off.
CLOSED_BY_PASSING = {
    DeadlineKind.HOLDER_INCLUSION,
    DeadlineKind.DELAY_EXPIRY,
    DeadlineKind.PIGGYBACK_REQUEST,
}


@dataclass(frozen=True)
class Deadline:
    """One running clock. `key` names it across recomputations; `opened_on` is when it began."""

    kind: DeadlineKind
    section: str
    title: str
    action: str
    due: date
    opened_on: date
    key: str

    def days_left(self, as_of: date) -> int:
        return (self.due - as_of).days

    def status(self, as_of: date) -> str:
        return "open" if self.due >= as_of else "overdue"


def running_deadlines(state: AgreementState, as_of: date) -> list[Deadline]:
    """Every deadline not closed as of `as_of`, soonest first (overdue ones included)."""
    found = [
        *_demand_deadlines(state, as_of),
        *_delay_deadlines(state, as_of),
        *_piggyback_deadlines(state, as_of),
    ]
    return sorted(
        (d for d in found if not (d.kind in CLOSED_BY_PASSING and d.due < as_of)),
        key=lambda d: (d.due, d.kind),
    )


def _closed_by(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


def _demand_deadlines(state: AgreementState, as_of: date) -> list[Deadline]:
    cycle = state.current_cycle
    if cycle is None or state.terminated_on(as_of):
        return []
    terms = state.terms
    status = cycle.status_on(as_of)
    if status is CycleStatus.WITHDRAWN:
        return []
    found: list[Deadline] = []
    if cycle.demand_received and not _closed_by(cycle.holders_notice_given, as_of):
        clock = terms.demand.holder_notice
        found.append(
            Deadline(
                DeadlineKind.HOLDER_NOTICE,
                clock.section,
                "Notice of the Demand Registration to all other security holders",
                "give the other security holders written notice of the demand, then record "
                "`holders-notified`",
                state.after(clock, cycle.demand_received),
                cycle.demand_received,
                f"holder_notice#{cycle.demand_seq}",
            )
        )
    if cycle.holders_notified and _closed_by(cycle.holders_notice_given, as_of):
        clock = terms.demand.holder_inclusion
        found.append(
            Deadline(
                DeadlineKind.HOLDER_INCLUSION,
                clock.section,
                "Other holders' requests for inclusion close",
                "include the securities of holders whose written requests arrived by this date",
                state.after(clock, cycle.holders_notified),
                cycle.holders_notified,
                f"holder_inclusion#{cycle.holders_notice_seq}",
            )
        )
    if (
        cycle.filing_planned
        and not _closed_by(cycle.requested_info_sent, as_of)
        and not _closed_by(cycle.filed, as_of)
    ):
        clock = terms.requested_information
        assert cycle.filing_planned_recorded is not None
        found.append(
            Deadline(
                DeadlineKind.REQUESTED_INFO,
                clock.section,
                "Requested Information notice to the Investor",
                "notify the Investor of the information the Company requires, then record "
                "`requested-info-sent`",
                state.before(clock, cycle.filing_planned),
                cycle.filing_planned_recorded,
                f"requested_info#{cycle.filing_planned_seq}",
            )
        )
    if (
        cycle.filed
        and cycle.effectiveness_due
        and cycle.filed <= as_of
        and not _closed_by(cycle.effective, as_of)
    ):
        clock = terms.demand.effectiveness
        found.append(
            Deadline(
                DeadlineKind.EFFECTIVENESS,
                clock.section,
                "Registration Statement effective",
                "have the SEC declare the Registration Statement effective, then record "
                "`effective`; after this date the registration is not deemed effected and the "
                "demand right revives",
                cycle.effectiveness_due,
                cycle.filed,
                f"effectiveness#{cycle.filed_seq}",
            )
        )
    return found


def _delay_deadlines(state: AgreementState, as_of: date) -> list[Deadline]:
    section = state.terms.allowed_delay.section
    # Delays are folded in by start and never overlap, so they expire in the same order:
    # those expired before `as_of` (a long history's bulk) are skipped.
    recent = bisect_left(state.delays, as_of, key=_expires)
    return [
        Deadline(
            DeadlineKind.DELAY_EXPIRY,
            section,
            "Allowed Delay expires",
            "on expiry the Company must again file, seek effectiveness or permit sales; "
            "extend (`delay extend`) or end (`delay end`) the delay if that changes",
            record.delay.expires,
            record.start,
            f"delay_expiry#{record.seq}",
        )
        for record in state.delays[recent:]
        if record.start <= as_of and record.ended_early_on is None
    ]


def _piggyback_deadlines(state: AgreementState, as_of: date) -> list[Deadline]:
    clock = state.terms.piggyback.request
    # Notices are folded in by receipt, so their windows close in that order: those closed
    # before `as_of` are skipped.
    recent = bisect_left(state.piggybacks, as_of, key=lambda n: state.after(clock, n.received))
    return [
        Deadline(
            DeadlineKind.PIGGYBACK_REQUEST,
            clock.section,
            "Investor's piggyback request window closes",
            "the Investor's written request for inclusion must be received by this date; "
            "record `piggyback-requested`",
            state.after(clock, notice.received),
            notice.received,
            f"piggyback_request#{notice.seq}",
        )
        for notice in state.piggybacks[recent:]
        if notice.given <= as_of and not _closed_by(notice.requested_on, as_of)
    ]


def _expires(record: DelayRecord) -> date:
    return record.delay.expires
