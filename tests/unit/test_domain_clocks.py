"""The agreement's clocks, replayed from events, against dates computed by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.rules.calendar import BusinessCalendar, Delivery, notice_effective_on
from domain.rules.deadlines import DeadlineKind, running_deadlines
from domain.rules.events import Event, EventKind, Facts, TerminationGround
from domain.rules.registration import AgreementState, replay
from domain.rules.terms import TermsProfile, load_profile
from domain.rules.violation import RuleViolation
from domain.services.views import demand_state

TERMS = load_profile("nstor-2002")
US = BusinessCalendar("US")


class History:
    """Events built the way the service builds them (§9(b) applied to notices)."""

    def __init__(self, terms: TermsProfile = TERMS) -> None:
        self.terms = terms
        self.events: list[Event] = []

    def add(
        self, kind: EventKind, on: date, delivery: Delivery | None = None, **facts: object
    ) -> AgreementState:
        effective = notice_effective_on(self.terms.notices, on, delivery or Delivery.HAND)
        event = Event(len(self.events) + 1, kind, on, effective, Facts(delivery=delivery, **facts))  # type: ignore[arg-type]
        state = replay([*self.events, event], self.terms)
        self.events.append(event)
        return state

    def undo(self, seq: int, on: date) -> AgreementState:
        return self.add(EventKind.RETRACTION, on, retracts=seq)

    @property
    def state(self) -> AgreementState:
        return replay(self.events, self.terms)

    def due(self, kind: DeadlineKind, as_of: date) -> date | None:
        found = [d for d in running_deadlines(self.state, as_of) if d.kind is kind]
        return found[0].due if found else None


def filed_on(day: date) -> History:
    """A Registration Statement on file: something an Allowed Delay can delay (§2(d))."""
    history = History()
    history.add(EventKind.FILED, day)
    return history


def demand_ready() -> History:
    history = History()
    history.add(EventKind.S3_ELIGIBLE, date(2026, 1, 5))
    return history


def test_holder_notice_is_due_ten_days_after_receipt_of_the_demand() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 3, 2), Delivery.HAND, shares=100_000)
    assert history.due(DeadlineKind.HOLDER_NOTICE, date(2026, 3, 2)) == date(2026, 3, 12)


def test_a_mailed_demand_runs_from_its_receipt_four_business_days_after_deposit() -> None:
    history = demand_ready()
    # Deposited Wed 2026-11-25; Thanksgiving; received Wed 2026-12-02; due Sat 2026-12-12.
    history.add(EventKind.DEMAND, date(2026, 11, 25), Delivery.MAIL, shares=1)
    assert history.due(DeadlineKind.HOLDER_NOTICE, date(2026, 11, 25)) == date(2026, 12, 12)


def test_holders_notified_closes_the_notice_and_opens_the_fifteen_day_inclusion_window() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 12, 1), shares=1)
    # Mailed Fri 2026-12-04: Mon 7, Tue 8, Wed 9, Thu 10 → window closes Fri 2026-12-25.
    history.add(EventKind.HOLDERS_NOTIFIED, date(2026, 12, 4), Delivery.MAIL)
    assert history.due(DeadlineKind.HOLDER_NOTICE, date(2026, 12, 10)) is None
    assert history.due(DeadlineKind.HOLDER_INCLUSION, date(2026, 12, 10)) == date(2026, 12, 25)
    assert history.due(DeadlineKind.HOLDER_INCLUSION, date(2026, 12, 26)) is None


def test_an_unanswered_holder_notice_goes_overdue_and_stays_listed() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 3, 2), shares=1)
    [deadline] = running_deadlines(history.state, date(2026, 4, 1))
    assert deadline.kind is DeadlineKind.HOLDER_NOTICE
    assert deadline.status(date(2026, 4, 1)) == "overdue"
    assert deadline.days_left(date(2026, 4, 1)) == -20


def test_requested_information_is_due_fifteen_days_before_the_planned_filing() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 12, 1), shares=1)
    history.add(EventKind.FILING_PLANNED, date(2026, 12, 2), planned_filing=date(2027, 1, 15))
    assert history.due(DeadlineKind.REQUESTED_INFO, date(2026, 12, 2)) == date(2026, 12, 31)
    history.add(EventKind.REQUESTED_INFO_SENT, date(2026, 12, 20))
    assert history.due(DeadlineKind.REQUESTED_INFO, date(2026, 12, 20)) is None


def test_effectiveness_is_due_180_days_after_filing_and_closed_by_effectiveness() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 12, 1), shares=1)
    history.add(EventKind.FILED, date(2027, 1, 15))
    # Jan 15 + 180: 16 days to Jan 31, then Feb 28, Mar 31, Apr 30, May 31, Jun 30 → Jul 14.
    assert history.due(DeadlineKind.EFFECTIVENESS, date(2027, 1, 15)) == date(2027, 7, 14)
    history.add(EventKind.EFFECTIVE, date(2027, 5, 3))
    assert history.due(DeadlineKind.EFFECTIVENESS, date(2027, 5, 3)) is None
    assert demand_state(history.state, date(2027, 5, 3)) == "effective"
    with pytest.raises(RuleViolation) as refused:
        history.add(EventKind.DEMAND, date(2027, 6, 1), shares=1)
    assert refused.value.section == "2(a)(i)"


def test_a_demand_before_short_form_eligibility_is_refused() -> None:
    history = History()
    with pytest.raises(RuleViolation) as refused:
        history.add(EventKind.DEMAND, date(2026, 3, 2), shares=1)
    assert refused.value.section == "2(a)(i)"
    assert history.events == []


def test_a_pending_demand_blocks_a_second_one() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 3, 2), shares=1)
    with pytest.raises(RuleViolation, match="still pending"):
        history.add(EventKind.DEMAND, date(2026, 3, 3), shares=1)


def test_not_effective_within_180_days_revives_the_demand_right() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 1, 12), shares=1)
    history.add(EventKind.HOLDERS_NOTIFIED, date(2026, 1, 20))
    history.add(EventKind.FILED, date(2026, 2, 2))
    # Filed 2026-02-02 → due 2026-08-01. On 2026-08-02 the registration has lapsed.
    assert history.state.demand_refusal(date(2026, 8, 1)) is not None
    assert history.state.demand_refusal(date(2026, 8, 2)) is None
    overdue = running_deadlines(history.state, date(2026, 8, 2))
    assert [(d.kind, d.status(date(2026, 8, 2))) for d in overdue] == [
        (DeadlineKind.EFFECTIVENESS, "overdue")
    ]
    history.add(EventKind.DEMAND, date(2026, 8, 3), shares=2)
    assert demand_state(history.state, date(2026, 8, 3)) == "requested"


def test_effective_after_the_window_is_not_deemed_effected() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 1, 12), shares=1)
    history.add(EventKind.FILED, date(2026, 2, 2))
    history.add(EventKind.EFFECTIVE, date(2026, 8, 10))
    assert history.state.demand_refusal(date(2026, 8, 10)) is None


def test_a_stop_order_suspends_sales_and_revives_the_demand_right() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 1, 12), shares=1)
    history.add(EventKind.FILED, date(2026, 2, 2))
    history.add(EventKind.EFFECTIVE, date(2026, 3, 2))
    assert history.state.demand_refusal(date(2026, 3, 3)) is not None
    history.add(EventKind.STOP_ORDER, date(2026, 4, 1))
    state = history.state
    assert state.sales_suspended_on(date(2026, 4, 1))
    assert state.demand_refusal(date(2026, 4, 2)) is None
    history.add(EventKind.RESUME, date(2026, 4, 20))
    assert not history.state.sales_suspended_on(date(2026, 4, 20))


def test_withdrawal_closes_the_effectiveness_clock_and_revives_the_right() -> None:
    history = demand_ready()
    history.add(EventKind.DEMAND, date(2026, 1, 12), shares=1)
    history.add(EventKind.FILED, date(2026, 2, 2))
    history.add(EventKind.WITHDRAWN, date(2026, 3, 1))
    assert running_deadlines(history.state, date(2026, 3, 1)) == []
    assert history.state.demand_refusal(date(2026, 3, 1)) is None


def test_suspend_and_resume_under_section_4c() -> None:
    history = History()
    history.add(EventKind.SUSPEND, date(2026, 5, 1))
    assert history.state.sales_suspended_on(date(2026, 5, 2))
    with pytest.raises(RuleViolation):
        history.add(EventKind.SUSPEND, date(2026, 5, 3))
    history.add(EventKind.RESUME, date(2026, 5, 9))
    with pytest.raises(RuleViolation) as refused:
        history.add(EventKind.RESUME, date(2026, 5, 10))
    assert refused.value.section == "4(c)"


def test_an_allowed_delay_suspends_sales_until_it_expires() -> None:
    history = filed_on(date(2026, 10, 1))
    history.add(EventKind.DELAY, date(2026, 11, 2), days=30)
    assert history.state.sales_suspended_on(date(2026, 12, 1))
    assert not history.state.sales_suspended_on(date(2026, 12, 2))
    assert history.due(DeadlineKind.DELAY_EXPIRY, date(2026, 11, 2)) == date(2026, 12, 2)


def test_a_second_delay_within_twelve_months_is_refused() -> None:
    history = filed_on(date(2025, 12, 1))
    history.add(EventKind.DELAY, date(2026, 1, 5), days=20)
    with pytest.raises(RuleViolation) as refused:
        history.add(EventKind.DELAY, date(2026, 6, 1), days=10)
    assert refused.value.section == "2(d)"
    assert "more than 1 delay" in refused.value.message


def test_extend_and_end_a_delay_within_the_caps() -> None:
    history = filed_on(date(2025, 12, 1))
    history.add(EventKind.DELAY, date(2026, 1, 5), days=30)
    history.add(EventKind.DELAY_EXTEND, date(2026, 1, 20), days=60)
    assert history.due(DeadlineKind.DELAY_EXPIRY, date(2026, 1, 20)) == date(2026, 4, 5)
    with pytest.raises(RuleViolation, match="extending by 1 days"):
        history.add(EventKind.DELAY_EXTEND, date(2026, 2, 1), days=1)
    history.add(EventKind.DELAY_END, date(2026, 2, 14))
    state = history.state
    assert state.delays[0].days == 40
    assert not state.sales_suspended_on(date(2026, 2, 14))
    assert history.due(DeadlineKind.DELAY_EXPIRY, date(2026, 2, 14)) is None


def test_piggyback_window_is_twenty_days_after_the_investors_receipt() -> None:
    history = History()
    # Mailed Thu 2026-12-31; New Year's Day; received Thu 2027-01-07; closes Wed 2027-01-27.
    history.add(EventKind.PIGGYBACK_NOTICE, date(2026, 12, 31), Delivery.MAIL)
    assert history.due(DeadlineKind.PIGGYBACK_REQUEST, date(2027, 1, 7)) == date(2027, 1, 27)
    with pytest.raises(RuleViolation) as late:
        history.add(EventKind.PIGGYBACK_REQUESTED, date(2027, 1, 28), shares=5)
    assert late.value.section == "2(b)(i)"
    history.add(EventKind.PIGGYBACK_REQUESTED, date(2027, 1, 27), shares=5)
    assert history.due(DeadlineKind.PIGGYBACK_REQUEST, date(2027, 1, 27)) is None


def test_termination_reading_earliest_ends_the_demand_right_at_the_first_ground() -> None:
    history = demand_ready()
    history.add(EventKind.TERMINATED, date(2026, 6, 1), ground=TerminationGround.RULE_144)
    assert history.state.termination_date == date(2026, 6, 1)
    with pytest.raises(RuleViolation) as refused:
        history.add(EventKind.DEMAND, date(2026, 6, 2), shares=1)
    assert refused.value.section == "2(a)(i)"


def test_termination_reading_latest_waits_for_all_three_grounds() -> None:
    terms = load_profile("nstor-2002")
    latest = replace(terms, termination=replace(terms.termination, reading="latest"))
    history = History(latest)
    history.add(EventKind.TERMINATED, date(2026, 6, 1), ground=TerminationGround.RULE_144)
    history.add(EventKind.TERMINATED, date(2026, 7, 1), ground=TerminationGround.SOLD_ALL)
    assert history.state.termination_date is None
    history.add(EventKind.TERMINATED, date(2026, 8, 1), ground=TerminationGround.TRANSFERRED)
    assert history.state.termination_date == date(2026, 8, 1)


def test_an_undone_event_stops_counting() -> None:
    history = filed_on(date(2025, 12, 1))
    history.add(EventKind.DELAY, date(2026, 1, 5), days=20)
    history.undo(2, date(2026, 1, 6))
    history.add(EventKind.DELAY, date(2026, 2, 1), days=20)
    assert [d.start for d in history.state.delays] == [date(2026, 2, 1)]


def test_a_demand_profile_with_two_demands_allows_a_second_after_the_first_is_effected() -> None:
    two = replace(TERMS, demand=replace(TERMS.demand, demands_allowed=2))
    history = History(two)
    history.add(EventKind.S3_ELIGIBLE, date(2026, 1, 5))
    history.add(EventKind.DEMAND, date(2026, 1, 12), shares=1)
    history.add(EventKind.FILED, date(2026, 2, 2))
    history.add(EventKind.EFFECTIVE, date(2026, 3, 2))
    history.add(EventKind.DEMAND, date(2026, 4, 1), shares=1)
    assert len(history.state.cycles) == 2
