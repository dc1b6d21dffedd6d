"""The engine follows a second profile (tests/fixtures/profiles/alder-2024.yaml) whose numbers
all differ from nStor's: notice to the other holders within 5 business days, their inclusion
window 10 business days, effectiveness 120 days, a 30-day piggyback window, Allowed Delays of
at most 60 days and 2 beginnings in any 6 months, Requested Information 10 business days
before filing, 2 demands, and mail effective 3 calendar days after deposit.

Every expected date is written out by hand from the 2024-2025 US federal calendar; the
holidays that move one are named beside it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.alert_plan import Schedule, plan_alerts
from domain.rules.calendar import BusinessCalendar, Delivery, notice_effective_on
from domain.rules.compliance import obligations
from domain.rules.dating import request_received_on
from domain.rules.deadlines import DeadlineKind, running_deadlines
from domain.rules.events import Event, EventKind, Facts
from domain.rules.registration import AgreementState, position_on, replay
from domain.rules.stored_terms import terms_from_stored
from domain.rules.terms import Clock, TermsProfile, parse_profile, read_profile_file
from domain.rules.violation import RuleViolation

ALDER_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "alder-2024.yaml"
ALDER = read_profile_file(ALDER_FILE)[1]
US = BusinessCalendar("US")


class History:
    """Events built as the service builds them: the notices clause applied to notices."""

    def __init__(self, terms: TermsProfile = ALDER) -> None:
        self.terms = terms
        self.events: list[Event] = []

    def add(
        self, kind: EventKind, on: date, delivery: Delivery | None = None, **facts: object
    ) -> AgreementState:
        effective = notice_effective_on(self.terms.notices, on, delivery or Delivery.HAND)
        if kind is EventKind.PIGGYBACK_REQUESTED:
            effective = request_received_on(self.events, on)
        event = Event(len(self.events) + 1, kind, on, effective, Facts(delivery=delivery, **facts))  # type: ignore[arg-type]
        state = replay([*self.events, event], self.terms)
        self.events.append(event)
        return state

    def refused(self, kind: EventKind, on: date, **facts: object) -> RuleViolation:
        with pytest.raises(RuleViolation) as refusal:
            self.add(kind, on, **facts)  # type: ignore[arg-type]
        return refusal.value

    def state(self) -> AgreementState:
        return replay(self.events, self.terms)

    def dues(self, as_of: date) -> dict[DeadlineKind, date]:
        state = position_on(self.events, self.terms, as_of)
        return {d.kind: d.due for d in running_deadlines(state, as_of)}


def a_deal() -> History:
    """Demand received Mon 2024-12-09; the other holders notified by mail on Fri 12-13."""
    history = History()
    history.add(EventKind.S3_ELIGIBLE, date(2024, 11, 1))
    history.add(EventKind.DEMAND, date(2024, 12, 9), shares=400_000)
    history.add(EventKind.HOLDERS_NOTIFIED, date(2024, 12, 13), Delivery.MAIL)
    history.add(EventKind.FILING_PLANNED, date(2024, 12, 20), planned_filing=date(2025, 2, 18))
    return history


def test_the_profile_numbers_all_differ_from_nstors() -> None:
    d = ALDER.demand
    assert (d.holder_notice.days, d.holder_notice.business_days) == (5, True)
    assert (d.holder_inclusion.days, d.holder_inclusion.business_days) == (10, True)
    assert (d.effectiveness.days, d.effectiveness.business_days) == (120, False)
    assert d.demands_allowed == 2
    assert ALDER.piggyback.request.days == 30
    delay = ALDER.allowed_delay
    assert (delay.max_days, delay.max_delays, delay.period_months) == (60, 2, 6)
    assert (ALDER.requested_information.days, ALDER.requested_information.business_days) == (
        10,
        True,
    )
    assert (ALDER.notices.mail_days, ALDER.notices.mail_business_days) == (3, None)


def test_holder_notice_is_the_fifth_business_day_after_receipt_thanksgiving_skipped() -> None:
    history = History()
    history.add(EventKind.S3_ELIGIBLE, date(2024, 11, 1))
    history.add(EventKind.DEMAND, date(2024, 11, 25))  # Mon
    # Tue 26 (1), Wed 27 (2), Thu 28 Thanksgiving, Fri 29 (3), Mon 12-02 (4), Tue 12-03 (5).
    assert history.dues(date(2024, 11, 25))[DeadlineKind.HOLDER_NOTICE] == date(2024, 12, 3)


def test_the_deal_s_clocks_against_dates_computed_by_hand() -> None:
    history = a_deal()
    # Holder notice: Tue 12-10 (1), 11 (2), 12 (3), 13 (4), Mon 16 (5): due 12-16; the notice
    # deposited Fri 12-13 meets it that day (a duty to give is met when given).
    as_of_deposit = history.dues(date(2024, 12, 13))
    assert DeadlineKind.HOLDER_NOTICE not in as_of_deposit
    # Mailed Fri 12-13, effective three calendar days later, Mon 12-16. The holders' window:
    # 17 (1), 18 (2), 19 (3), 20 (4), 23 (5), 24 (6), Wed 25 Christmas Day, 26 (7), 27 (8),
    # 30 (9), Tue 31 (10).
    # Requested Information, 10 business days before Tue 2025-02-18, counting back: Mon 17
    # Washington's Birthday, Fri 14 (1), 13 (2), 12 (3), 11 (4), 10 (5), 7 (6), 6 (7), 5 (8),
    # 4 (9), Mon 02-03 (10).
    assert history.dues(date(2024, 12, 20)) == {
        DeadlineKind.HOLDER_INCLUSION: date(2024, 12, 31),
        DeadlineKind.REQUESTED_INFO: date(2025, 2, 3),
    }
    first = obligations(history.state(), date(2024, 12, 20))[0]
    assert (first.kind, first.due, first.closed_on, first.outcome.value) == (
        DeadlineKind.HOLDER_NOTICE,
        date(2024, 12, 16),
        date(2024, 12, 13),
        "met",
    )
    history.add(EventKind.REQUESTED_INFO_SENT, date(2025, 2, 3))
    history.add(EventKind.FILED, date(2025, 2, 18))
    # 120 calendar days after Tue 2025-02-18: 10 more in February, 31, 30, 31, then June 18.
    assert history.dues(date(2025, 2, 18)) == {DeadlineKind.EFFECTIVENESS: date(2025, 6, 18)}


def test_a_second_demand_after_the_first_is_effected_and_no_third() -> None:
    history = a_deal()
    history.add(EventKind.REQUESTED_INFO_SENT, date(2025, 2, 3))
    history.add(EventKind.FILED, date(2025, 2, 18))
    history.add(EventKind.EFFECTIVE, date(2025, 4, 1))
    # nStor's one demand would be used up here; this agreement allows two.
    history.add(EventKind.DEMAND, date(2025, 5, 5), shares=150_000)
    # Tue 05-06 (1), 7 (2), 8 (3), 9 (4), Mon 12 (5).
    assert history.dues(date(2025, 5, 5))[DeadlineKind.HOLDER_NOTICE] == date(2025, 5, 12)
    history.add(EventKind.HOLDERS_NOTIFIED, date(2025, 5, 12))
    # 13 (1) … 16 (4), 19 (5) … 23 (9), Mon 26 Memorial Day, Tue 27 (10).
    assert history.dues(date(2025, 5, 12))[DeadlineKind.HOLDER_INCLUSION] == date(2025, 5, 27)
    history.add(EventKind.FILED, date(2025, 6, 2))
    # 06-02 + 120: 28 more in June, 31, 31, then September 30.
    assert history.dues(date(2025, 6, 2))[DeadlineKind.EFFECTIVENESS] == date(2025, 9, 30)
    history.add(EventKind.EFFECTIVE, date(2025, 7, 1))
    third = history.refused(EventKind.DEMAND, date(2025, 8, 4), shares=1)
    assert third.section == "2.1(a)"
    assert "entitled to 2 Short-Form Registrations and 2 were effected" in third.message


def test_two_delays_in_six_months_within_sixty_days_and_no_more() -> None:
    history = a_deal()
    history.add(EventKind.DELAY, date(2025, 1, 6), days=20)  # expires 01-26
    # A second delay beginning within the same 6 months: nStor allows one.
    history.add(EventKind.DELAY, date(2025, 2, 3), days=40)  # 20 + 40 = 60 days
    third = history.refused(EventKind.DELAY, date(2025, 4, 1), days=1)
    assert third.section == "2.4"
    over = a_deal()
    over.add(EventKind.DELAY, date(2025, 1, 6), days=20)
    assert over.refused(EventKind.DELAY, date(2025, 2, 3), days=41).section == "2.4"


def test_a_thirty_day_piggyback_window_from_mail_effective_three_days_after_deposit() -> None:
    history = History()
    history.add(EventKind.PIGGYBACK_NOTICE, date(2025, 6, 27), Delivery.MAIL)  # Fri
    # Effective Mon 06-30 (three calendar days); the window closes 30 days later, Wed 07-30.
    assert history.dues(date(2025, 6, 27)) == {DeadlineKind.PIGGYBACK_REQUEST: date(2025, 7, 30)}
    late = history.refused(EventKind.PIGGYBACK_REQUESTED, date(2025, 7, 31), shares=10)
    assert late.section == "2.2(a)" and "the window closed on 2025-07-30" in late.message
    history.add(EventKind.PIGGYBACK_REQUESTED, date(2025, 7, 30), shares=10)


def test_the_inclusion_window_s_alerts_fall_on_its_lead_days() -> None:
    history = a_deal()
    state = history.state()
    deadlines = [
        d
        for d in running_deadlines(state, date(2024, 12, 26))
        if d.kind is DeadlineKind.HOLDER_INCLUSION
    ]
    schedule = Schedule(ALDER.alerts.lead_days, ALDER.alerts.at, ALDER.zone)
    # Due Tue 12-31, leads 10, 5, 2, 0: the 5-day alert at 08:30 in Chicago on Thu 12-26
    # (14:30 UTC); the 10-day one (12-21) came before it.
    before = schedule.moment(date(2024, 12, 26)) - timedelta(minutes=1)
    plan = plan_alerts(deadlines, schedule, before)
    assert [s.offset for s in plan.due_now] == [-10]
    assert plan.next_at is not None and plan.next_at.isoformat() == "2024-12-26T14:30:00+00:00"
    (slot,) = plan_alerts(deadlines, schedule, plan.next_at).due_now
    assert (slot.deadline.due, slot.offset) == (date(2024, 12, 31), -5)


def test_mail_effective_on_receipt_refuses_a_mailed_notice_citing_the_notices_clause() -> None:
    notices = replace(ALDER.notices, mail_days=None, mail_effective="on_receipt")
    on_receipt = replace(ALDER, notices=notices)
    history = History(on_receipt)
    history.add(EventKind.S3_ELIGIBLE, date(2024, 11, 1))
    with pytest.raises(RuleViolation, match="only on receipt") as refusal:
        history.add(EventKind.DEMAND, date(2024, 12, 9), Delivery.MAIL, shares=1)
    assert refusal.value.section == "8.2"
    history.add(EventKind.DEMAND, date(2024, 12, 12), shares=1)  # the day it was received


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    days=st.integers(min_value=1, max_value=40),
    backward=st.booleans(),
)
def test_a_business_day_clock_ends_on_a_business_day_exactly_n_business_days_away(
    start: date, days: int, backward: bool
) -> None:
    clock = Clock(days=days, section="2.1(b)", business_days=True)
    state = AgreementState(terms=ALDER)
    due = state.before(clock, start) if backward else state.after(clock, start)
    assert due.weekday() < 5 and not US.is_holiday(due)
    low, high = (due, start) if backward else (start, due)
    between = [low + timedelta(days=k) for k in range(1, (high - low).days)]
    # Strictly between the two, plus the far end itself: the start never counts.
    counted = [*between, due] if not backward else [due, *between]
    assert sum(US.is_business_day(d) for d in counted) == days
    assert len(set(counted)) == len(counted)


@pytest.mark.parametrize(
    "mail_rule", ["mail_days: 3", "mail_business_days: 2", "mail_effective: on_receipt"]
)
def test_a_stored_profile_is_rebuilt_as_validated_whatever_its_mail_rule(mail_rule: str) -> None:
    text = ALDER_FILE.read_text().replace("mail_days: 3", mail_rule)
    assert terms_from_stored(text) == parse_profile(text)


@settings(max_examples=150, deadline=None)
@given(
    received=st.dates(min_value=date(2024, 11, 1), max_value=date(2040, 12, 31)),
    notice_after=st.integers(min_value=0, max_value=20),
    by_mail=st.booleans(),
)
def test_in_any_history_the_notice_clocks_fall_on_business_days_counted_from_receipt(
    received: date, notice_after: int, by_mail: bool
) -> None:
    history = History()
    history.add(EventKind.S3_ELIGIBLE, date(2024, 11, 1))
    history.add(EventKind.DEMAND, received, shares=1)
    due = history.dues(received)[DeadlineKind.HOLDER_NOTICE]
    assert due == US.add_business_days(received, 5) and US.is_business_day(due)
    deposited = received + timedelta(days=notice_after)
    history.add(EventKind.HOLDERS_NOTIFIED, deposited, Delivery.MAIL if by_mail else None)
    # Mail takes effect three calendar days after deposit, whatever day that is; the
    # holders' window is then the tenth business day after it.
    effective = deposited + timedelta(days=3) if by_mail else deposited
    closes = history.dues(effective)[DeadlineKind.HOLDER_INCLUSION]
    assert closes == US.add_business_days(effective, 10) and US.is_business_day(closes)
    assert (
        sum(
            US.is_business_day(effective + timedelta(days=k))
            for k in range(1, (closes - effective).days + 1)
        )
        == 10
    )


def test_letters_under_a_business_day_profile_say_business_days() -> None:
    """Alder's holders' window is 10 business days (its §2.1(a)): the letter must not say
    "10 days", which would shorten the holders' time in the Company's own words."""
    import io

    import docx

    from bot.notices.render import render_notice
    from domain.rules.notices import NoticeKind, draft_notice

    history = History()
    history.add(EventKind.S3_ELIGIBLE, date(2024, 10, 1))
    state = history.add(EventKind.DEMAND, date(2024, 12, 9), Delivery.HAND, shares=1000)
    # By hand on Tue 2024-12-10, effective that day; 10 business days after it:
    # 11, 12, 13, 16, 17, 18, 19, 20, 23, 24 -> Tue 12-24 (Christmas falls after it).
    draft = draft_notice(
        NoticeKind.HOLDERS, state, date(2024, 12, 10), date(2024, 12, 10), Delivery.HAND
    )
    document = docx.Document(io.BytesIO(render_notice(draft)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "within 10 business days after your receipt of this notice" in text
    assert "no later than December 24, 2024" in text
