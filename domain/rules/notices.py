"""The notices the agreement's clocks turn on, as data a draft is made from: who gives it to
whom at which §9(b) address, under which section, with the dates the clocks give, and when it
is deemed given. Nothing here knows a delay's reason: a Delay Notice may state the existence
of an Allowed Delay, never its substance (§2(d)(x))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.rules.calendar import BusinessCalendar, Delivery, notice_effective_on
from domain.rules.registration import OPEN_STATUSES, AgreementState, RegistrationCycle
from domain.rules.terms import Address, Notices
from domain.rules.violation import RuleViolation


class NoticeKind(StrEnum):
    DELAY = "delay"
    HOLDERS = "holders"
    REQUESTED_INFO = "requested-info"
    PIGGYBACK = "piggyback"


@dataclass(frozen=True)
class Party:
    name: str
    address: Address


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


@dataclass(frozen=True)
class ServiceOfNotice:
    """How the notice is given and when it takes effect under the notices clause."""

    section: str
    method: Delivery
    given_on: date  # delivered by hand, or deposited in the mail
    deemed_given: date
    mail_rule: str  # for mail, when it takes effect: `4 business days after deposit`
    holidays: tuple[Holiday, ...]  # weekday holidays that pushed a mailed notice's effect back


@dataclass(frozen=True)
class DelayFacts:
    start: date
    sales_resume: date  # the day the Allowed Delay expires
    last_day: date
    days: int


@dataclass(frozen=True)
class HoldersFacts:
    demand_received: date
    shares: int | None
    notice_due: date
    inclusion_days: int
    inclusion_closes: date


@dataclass(frozen=True)
class RequestedInfoFacts:
    anticipated_filing: date
    days_before: int
    notify_by: date


@dataclass(frozen=True)
class PiggybackFacts:
    anticipated_filing: date
    request_days: int
    request_closes: date


NoticeFacts = DelayFacts | HoldersFacts | RequestedInfoFacts | PiggybackFacts


@dataclass(frozen=True)
class NoticeDraft:
    kind: NoticeKind
    section: str
    agreement_title: str
    agreement_dated: date
    company: Party
    investor: Party
    dated: date
    service: ServiceOfNotice
    facts: NoticeFacts
    due: date | None  # the latest day the agreement allows it to be deemed given, if any

    @property
    def days_late(self) -> int:
        return max(0, (self.service.deemed_given - self.due).days) if self.due else 0


def deemed_given(
    notices: Notices, given_on: date, method: Delivery
) -> tuple[date, tuple[Holiday, ...]]:
    """When a notice takes effect, and the weekday holidays that moved it (mail only)."""
    calendar = BusinessCalendar(notices.holiday_calendar)
    effective = notice_effective_on(notices, given_on, method)
    moved = tuple(
        Holiday(day, calendar.holiday_name(day) or "holiday")
        for day in _days_between(given_on, effective)
        if day.weekday() < 5
        and calendar.is_holiday(day)
        and notices.mail_business_days is not None  # calendar days are not moved by holidays
    )
    return effective, moved


def draft_notice(
    kind: NoticeKind,
    state: AgreementState,
    today: date,
    given_on: date,
    method: Delivery,
) -> NoticeDraft:
    """The notice of `kind` as of `today`; raises RuleViolation for a notice of something that
    has not happened (or a profile without the addresses to send it to)."""
    terms = state.terms
    addresses = terms.notices.addresses
    if addresses is None:
        raise RuleViolation(
            terms.notices.section,
            f"the profile `{terms.id}` gives no addresses for notices: add notices.addresses",
        )
    effective, holidays = deemed_given(terms.notices, given_on, method)
    section, facts, due = _FACTS[kind](state, today, effective)
    return NoticeDraft(
        kind=kind,
        section=section,
        agreement_title=terms.title,
        agreement_dated=terms.dated,
        company=Party(terms.company, addresses.company),
        investor=Party(terms.investor, addresses.investor),
        dated=given_on,
        service=ServiceOfNotice(
            terms.notices.section,
            method,
            given_on,
            effective,
            terms.notices.mail_rule if method is Delivery.MAIL else "on receipt",
            holidays,
        ),
        facts=facts,
        due=due,
    )


_Drafted = tuple[str, NoticeFacts, date | None]


def _delay(state: AgreementState, today: date, _effective: date) -> _Drafted:
    section = state.terms.allowed_delay.section
    running = state.delay_active_on(today)
    if running is None:
        raise RuleViolation(
            section,
            f"no Allowed Delay is running on {today}: a Delay Notice gives notice of one "
            "(record `delay` first)",
        )
    delay = running.delay
    return section, DelayFacts(delay.start, delay.expires, delay.last_day, delay.days), None


def _open_demand(state: AgreementState, today: date, section: str) -> RegistrationCycle:
    cycle = state.current_cycle
    if cycle is None or cycle.demand_received is None or cycle.demand_received > today:
        raise RuleViolation(
            section,
            "no Demand Registration request has been received: the other holders are notified "
            "of one (record `demand` first)",
        )
    if state.terminated_on(today):
        raise RuleViolation(
            state.terms.termination.section,
            f"the Termination Date was {state.termination_date}: the demand right is gone",
        )
    if cycle.status_on(today) not in OPEN_STATUSES:
        raise RuleViolation(
            section, f"the demand received {cycle.demand_received} is no longer pending"
        )
    return cycle


def _holders(state: AgreementState, today: date, effective: date) -> _Drafted:
    demand = state.terms.demand
    cycle = _open_demand(state, today, demand.holder_notice.section)
    assert cycle.demand_received is not None
    window = demand.holder_inclusion.days
    return (
        demand.holder_notice.section,
        HoldersFacts(
            cycle.demand_received,
            cycle.shares,
            state.after(demand.holder_notice, cycle.demand_received),
            window,
            state.after(demand.holder_inclusion, effective),
        ),
        state.after(demand.holder_notice, cycle.demand_received),
    )


def _planned_unfiled(state: AgreementState, today: date, section: str) -> RegistrationCycle:
    cycle = state.current_cycle
    if cycle is None or cycle.filing_planned is None:
        raise RuleViolation(
            section,
            "no anticipated filing date is recorded (record `filing-planned DATE` first)",
        )
    if cycle.filed is not None and cycle.filed <= today:
        raise RuleViolation(
            section, f"the Registration Statement was already filed on {cycle.filed}"
        )
    return cycle


def _requested_info(state: AgreementState, today: date, _effective: date) -> _Drafted:
    clock = state.terms.requested_information
    cycle = _planned_unfiled(state, today, clock.section)
    assert cycle.filing_planned is not None
    notify_by = state.before(clock, cycle.filing_planned)
    return (
        clock.section,
        RequestedInfoFacts(cycle.filing_planned, clock.days, notify_by),
        notify_by,
    )


def _piggyback(state: AgreementState, today: date, effective: date) -> _Drafted:
    clock = state.terms.piggyback.request
    cycle = _planned_unfiled(state, today, clock.section)
    assert cycle.filing_planned is not None
    if cycle.demand_received is not None:
        raise RuleViolation(
            clock.section,
            f"the registration planned for {cycle.filing_planned} is the Investor's own Demand "
            f"Registration (received {cycle.demand_received}): a piggyback notice is for a "
            "registration the Company proposes",
        )
    return (
        clock.section,
        PiggybackFacts(cycle.filing_planned, clock.days, state.after(clock, effective)),
        None,
    )


_FACTS = {
    NoticeKind.DELAY: _delay,
    NoticeKind.HOLDERS: _holders,
    NoticeKind.REQUESTED_INFO: _requested_info,
    NoticeKind.PIGGYBACK: _piggyback,
}


def _days_between(first: date, last: date) -> list[date]:
    """The days after `first` up to and including `last`."""
    return [first + timedelta(days=n) for n in range(1, (last - first).days + 1)]
