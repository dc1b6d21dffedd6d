"""The notices the agreement's clocks turn on, as data a draft is made from: who gives it to
whom at which §9(b) address, under which section, with the dates the clocks give, the day it
is given (delivered, or deposited in the mail) and the day it takes effect.

A letter is dated the day it is given, never earlier, and speaks as of that day. What only
counsel should hear (the letter is late, a Delay Notice is not prompt, a field is left for
counsel to fill) is carried beside the letter, never in it. Nothing here knows a delay's
reason: a Delay Notice states the existence of an Allowed Delay, never its substance
(§2(d)(x))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.rules.calendar import BusinessCalendar, Delivery, notice_effective_on
from domain.rules.registration import OPEN_STATUSES, AgreementState, RegistrationCycle
from domain.rules.terms import Address, Notices
from domain.rules.violation import RuleViolation

# §2(d) asks for the Delay Notice "promptly"; drafted more than this many business days after
# the delay began, counsel is warned (SPEC §13).
PROMPT_BUSINESS_DAYS = 2

# What a Requested Information notice leaves for counsel: the information itself (§4(a)).
REQUESTED_INFORMATION_FIELD = "the Requested Information"


class NoticeKind(StrEnum):
    DELAY = "delay"
    HOLDERS = "holders"
    REQUESTED_INFO = "requested-info"
    PIGGYBACK = "piggyback"


class Delayed(StrEnum):
    """What an Allowed Delay holds back (§2(d)), on the day the letter speaks."""

    FILING = "filing"  # no Registration Statement is filed yet
    EFFECTIVENESS = "effectiveness"  # filed, not yet effective
    SALES = "sales"  # sales under the effective Registration Statement


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
    """How the notice is given, and when, under the notices clause (SPEC §12): it is given on
    delivery by hand or on deposit in the mail, and takes effect on receipt by hand or
    `business_days` after deposit."""

    section: str
    method: Delivery
    given_on: date  # delivered by hand, or deposited in the mail
    effective_on: date
    mail_rule: str  # for mail, when it takes effect: `4 business days after deposit`
    holidays: tuple[Holiday, ...]  # weekday holidays that pushed a mailed notice's effect back


@dataclass(frozen=True)
class DelayFacts:
    start: date
    sales_resume: date  # the day the Allowed Delay expires
    last_day: date
    days: int
    delayed: Delayed
    filed: date | None  # the Registration Statement's filing, when it is filed
    business_days_since_start: int  # from the day the delay began to the day the notice is given

    @property
    def prompt(self) -> bool:
        return self.business_days_since_start <= PROMPT_BUSINESS_DAYS


@dataclass(frozen=True)
class HoldersFacts:
    demand_received: date
    shares: int | None
    inclusion_window: str  # `15 days`, `10 business days`
    inclusion_closes: date


@dataclass(frozen=True)
class RequestedInfoFacts:
    anticipated_filing: date
    notice_window: str


@dataclass(frozen=True)
class PiggybackFacts:
    anticipated_filing: date
    request_window: str
    request_closes: date
    cutback_sections: tuple[str, ...]

    @property
    def window_outlasts_filing(self) -> bool:
        """The Investor's window closes after the day the filing is anticipated."""
        return self.request_closes > self.anticipated_filing


NoticeFacts = DelayFacts | HoldersFacts | RequestedInfoFacts | PiggybackFacts


@dataclass(frozen=True)
class NoticeDraft:
    kind: NoticeKind
    section: str
    agreement_name: str | None  # as the agreement names itself, when the profile says
    agreement_dated: date
    company: Party
    investor: Party
    dated: date
    service: ServiceOfNotice
    facts: NoticeFacts
    due: date | None  # the last day the agreement allows it to be given, if any
    to_complete: tuple[str, ...] = ()  # what counsel fills in before it is sent

    @property
    def days_late(self) -> int:
        """Days after `due` that it is given (a duty to give is met on delivery or deposit)."""
        return max(0, (self.service.given_on - self.due).days) if self.due else 0


def effective_with_holidays(
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
    filing: date | None = None,
) -> NoticeDraft:
    """The notice of `kind`, given on `given_on` (today or later); raises RuleViolation for a
    backdated letter, a notice of something that does not call for one on that day, or a
    profile without the addresses to send it to. `filing` names the Company's registration
    a piggyback notice is for, by its anticipated filing date."""
    terms = state.terms
    notices = terms.notices
    if given_on < today:
        raise RuleViolation(
            notices.section,
            f"a notice is dated the day it is given (delivered, or deposited in the mail), "
            f"and {given_on} is before today, {today}: draft it for today or a later day",
        )
    if notices.addresses is None:
        raise RuleViolation(
            notices.section,
            f"the profile `{terms.id}` gives no addresses for notices: add notices.addresses",
        )
    calendar = BusinessCalendar(notices.holiday_calendar)
    effective, holidays = effective_with_holidays(notices, given_on, method)
    service = ServiceOfNotice(
        notices.section,
        method,
        given_on,
        effective,
        notices.mail_rule if method is Delivery.MAIL else "on receipt",
        holidays,
    )
    letter = _Letter(state, service, calendar, filing)
    section, facts, due = _FACTS[kind](letter)
    return NoticeDraft(
        kind=kind,
        section=section,
        agreement_name=notices.agreement_name,
        agreement_dated=terms.dated,
        company=Party(terms.company, notices.addresses.company),
        investor=Party(terms.investor, notices.addresses.investor),
        dated=given_on,
        service=service,
        facts=facts,
        due=due,
        to_complete=(REQUESTED_INFORMATION_FIELD,) if kind is NoticeKind.REQUESTED_INFO else (),
    )


@dataclass(frozen=True)
class _Letter:
    """What a notice's facts are drawn from: the history, and the day the letter is given."""

    state: AgreementState
    service: ServiceOfNotice
    calendar: BusinessCalendar
    filing: date | None

    @property
    def given_on(self) -> date:
        return self.service.given_on


_Drafted = tuple[str, NoticeFacts, date | None]


def _delay(letter: _Letter) -> _Drafted:
    state = letter.state
    section = state.terms.allowed_delay.section
    effective = letter.service.effective_on
    # A Delay Notice is of a delay still running when the notice takes effect, or one that
    # begins later; delays never overlap, so the last one begun is the only candidate.
    record = state.delays[-1] if state.delays else None
    if record is None or record.delay.expires <= effective:
        if record is not None and record.delay.expires > letter.given_on:
            raise RuleViolation(
                section,
                f"the Allowed Delay that began on {record.start} expires on "
                f"{record.delay.expires}, and this notice would take effect only on {effective}: "
                "a Delay Notice is given of a delay still running when it takes effect",
            )
        raise RuleViolation(
            section,
            f"no Allowed Delay is running on {effective}, the day this notice would take "
            "effect (record `delay` first)",
        )
    delay = record.delay
    speaks_on = max(delay.start, letter.given_on)
    cycle = state.current_cycle
    filed = cycle.filed if cycle is not None and cycle.filed and cycle.filed <= speaks_on else None
    if filed is None:
        delayed = Delayed.FILING
    elif cycle is not None and cycle.effective is not None and cycle.effective <= speaks_on:
        delayed = Delayed.SALES
    else:
        delayed = Delayed.EFFECTIVENESS
    since = _business_days_after(letter.calendar, delay.start, letter.given_on)
    return (
        section,
        DelayFacts(delay.start, delay.expires, delay.last_day, delay.days, delayed, filed, since),
        None,
    )


def _open_demand(state: AgreementState, day: date, section: str) -> RegistrationCycle:
    cycle = state.current_cycle
    if cycle is None or cycle.demand_received is None or cycle.demand_received > day:
        raise RuleViolation(
            section,
            "no Demand Registration request has been received: the other holders are notified "
            "of one (record `demand` first)",
        )
    if state.terminated_on(day):
        raise RuleViolation(
            state.terms.termination.section,
            f"the Termination Date was {state.termination_date}: the demand right is gone",
        )
    if cycle.status_on(day) not in OPEN_STATUSES:
        raise RuleViolation(
            section, f"the demand received {cycle.demand_received} is no longer pending"
        )
    return cycle


def _holders(letter: _Letter) -> _Drafted:
    demand = letter.state.terms.demand
    section = demand.holder_notice.section
    cycle = _open_demand(letter.state, letter.given_on, section)
    assert cycle.demand_received is not None
    if cycle.holders_notice_given is not None:
        raise RuleViolation(
            section,
            f"the other holders were already given notice of the demand on "
            f"{cycle.holders_notice_given} (`holders-notified`)",
        )
    return (
        section,
        HoldersFacts(
            cycle.demand_received,
            cycle.shares,
            demand.holder_inclusion.span,
            letter.state.after(demand.holder_inclusion, letter.service.effective_on),
        ),
        letter.state.after(demand.holder_notice, cycle.demand_received),
    )


def _planned_unfiled(letter: _Letter, section: str) -> RegistrationCycle:
    cycle = letter.state.current_cycle
    if cycle is None or cycle.filing_planned is None:
        raise RuleViolation(
            section,
            "no anticipated filing date is recorded (record `filing-planned DATE` first)",
        )
    if cycle.filed is not None and cycle.filed <= letter.given_on:
        raise RuleViolation(
            section, f"the Registration Statement was already filed on {cycle.filed}"
        )
    _not_before_letter(cycle.filing_planned, letter, section, "record the new plan first")
    return cycle


def _not_before_letter(filing: date, letter: _Letter, section: str, instead: str) -> None:
    if filing < letter.given_on:
        raise RuleViolation(
            section,
            f"the filing anticipated on {filing} is before this notice would be given on "
            f"{letter.given_on}: {instead}",
        )


def _requested_info(letter: _Letter) -> _Drafted:
    clock = letter.state.terms.requested_information
    cycle = _planned_unfiled(letter, clock.section)
    assert cycle.filing_planned is not None
    return (
        clock.section,
        RequestedInfoFacts(cycle.filing_planned, clock.span),
        letter.state.before(clock, cycle.filing_planned),
    )


PIGGYBACK_FILING_HINT = "name the Company's registration by its anticipated filing date: " + (
    "`notice piggyback filing YYYY-MM-DD`"
)


def _company_registration(letter: _Letter, section: str) -> date:
    """The anticipated filing of the registration the Company proposes: the one named, else
    the one recorded with `filing-planned` that no demand of the Investor's is attached to."""
    if letter.filing is not None:
        _not_before_letter(letter.filing, letter, section, "name a later filing date")
        return letter.filing
    state = letter.state
    cycle = state.current_cycle
    demand_pending = (
        cycle is not None
        and cycle.demand_received is not None
        and cycle.status_on(letter.given_on) in OPEN_STATUSES
    )
    if cycle is not None and demand_pending:
        planned = (
            f"the registration planned for {cycle.filing_planned}"
            if cycle.filing_planned
            else "the registration under way"
        )
        raise RuleViolation(
            section,
            f"{planned} is the Investor's own Demand Registration (received "
            f"{cycle.demand_received}): a piggyback notice is for a registration the Company "
            f"proposes; {PIGGYBACK_FILING_HINT}",
        )
    if cycle is None or cycle.filing_planned is None or cycle.demand_received is not None:
        raise RuleViolation(
            section,
            "no registration the Company proposes is recorded: record `filing-planned DATE`, "
            f"or {PIGGYBACK_FILING_HINT}",
        )
    cycle = _planned_unfiled(letter, section)
    assert cycle.filing_planned is not None
    return cycle.filing_planned


def _piggyback(letter: _Letter) -> _Drafted:
    terms = letter.state.terms.piggyback
    clock = terms.request
    filing = _company_registration(letter, clock.section)
    return (
        clock.section,
        PiggybackFacts(
            filing,
            clock.span,
            letter.state.after(clock, letter.service.effective_on),
            (
                terms.primary_cutback_section,
                terms.secondary_cutback_section,
                terms.requested_basis_section,
            ),
        ),
        None,
    )


_FACTS = {
    NoticeKind.DELAY: _delay,
    NoticeKind.HOLDERS: _holders,
    NoticeKind.REQUESTED_INFO: _requested_info,
    NoticeKind.PIGGYBACK: _piggyback,
}


def _business_days_after(calendar: BusinessCalendar, start: date, day: date) -> int:
    """The business days after `start` up to and including `day` (0 when `day` is earlier)."""
    return sum(calendar.is_business_day(d) for d in _days_between(start, day))


def _days_between(first: date, last: date) -> list[date]:
    """The days after `first` up to and including `last`."""
    return [first + timedelta(days=n) for n in range(1, (last - first).days + 1)]
