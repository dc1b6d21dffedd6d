"""The compliance record and lateness, pure, against dates computed by hand from the agreement."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.calendar import BusinessCalendar, Delivery, notice_effective_on
from domain.rules.compliance import Obligation, Outcome, lateness, obligations
from domain.rules.deadlines import DeadlineKind, running_deadlines
from domain.rules.events import Event, EventKind, Facts, TerminationGround, WithdrawalGround
from domain.rules.registration import AgreementState, replay
from domain.rules.terms import load_profile
from domain.rules.violation import RuleViolation

TERMS = load_profile("nstor-2002")
US = BusinessCalendar("US")


class Deal:
    """Events built as the service builds them (§9(b) applied to notices); refused ones dropped."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(
        self, kind: EventKind, on: date, delivery: Delivery | None = None, **facts: object
    ) -> bool:
        effective = notice_effective_on(TERMS.notices, on, delivery or Delivery.HAND)
        event = Event(len(self.events) + 1, kind, on, effective, Facts(delivery=delivery, **facts))  # type: ignore[arg-type]
        try:
            replay([*self.events, event], TERMS)
        except RuleViolation:
            return False
        self.events.append(event)
        return True

    @property
    def state(self) -> AgreementState:
        return replay(self.events, TERMS)

    def record(self, as_of: date) -> dict[DeadlineKind, Obligation]:
        return {r.kind: r for r in obligations(self.state, as_of)}


def demanded(on: date = date(2026, 3, 2)) -> Deal:
    deal = Deal()
    assert deal.add(EventKind.S3_ELIGIBLE, date(2026, 1, 5))
    assert deal.add(EventKind.DEMAND, on, Delivery.HAND, shares=250_000)
    return deal


def test_a_deal_adopted_mid_way_met_late_missed_and_lapsed() -> None:
    deal = demanded()  # received Mon 2026-03-02: notice due 03-02 + 10 = Thu 03-12
    # Notice mailed Mon 03-16 (4 days late); received 4 business days later: Tue 17, Wed 18,
    # Thu 19, Fri 20 → 03-20; the holders' window closes 03-20 + 15 = Sat 04-04.
    assert deal.add(EventKind.HOLDERS_NOTIFIED, date(2026, 3, 16), Delivery.MAIL)
    # Filing planned for 04-20 on 03-10: the §4(a) notice is due 04-20 - 15 = Sun 04-05.
    assert deal.add(EventKind.FILING_PLANNED, date(2026, 3, 10), planned_filing=date(2026, 4, 20))
    assert deal.add(EventKind.REQUESTED_INFO_SENT, date(2026, 4, 10))  # 5 days late
    # Filed 04-20: effective by 04-20 + 180 = 10 (Apr) + 31 + 30 + 31 + 31 + 30 + 17 → 10-17.
    assert deal.add(EventKind.FILED, date(2026, 4, 20))
    record = deal.record(date(2026, 11, 26))
    notice = record[DeadlineKind.HOLDER_NOTICE]
    assert (notice.due, notice.closed_on, notice.outcome, notice.days_late) == (
        date(2026, 3, 12),
        date(2026, 3, 16),
        Outcome.LATE,
        4,
    )
    inclusion = record[DeadlineKind.HOLDER_INCLUSION]
    assert (inclusion.due, inclusion.outcome, inclusion.days_late) == (
        date(2026, 4, 4),
        Outcome.LAPSED,
        None,
    )
    info = record[DeadlineKind.REQUESTED_INFO]
    assert (info.due, info.closed_on, info.outcome, info.days_late) == (
        date(2026, 4, 5),
        date(2026, 4, 10),
        Outcome.LATE,
        5,
    )
    effectiveness = record[DeadlineKind.EFFECTIVENESS]
    # 10-17 to 11-26: 14 days of October left + 26 = 40 days overdue.
    assert (effectiveness.due, effectiveness.closed_on, effectiveness.outcome) == (
        date(2026, 10, 17),
        None,
        Outcome.MISSED,
    )
    assert effectiveness.days_late == 40


def test_met_on_time_and_open_before_due() -> None:
    deal = demanded()
    assert deal.record(date(2026, 3, 5))[DeadlineKind.HOLDER_NOTICE].outcome is Outcome.OPEN
    assert deal.add(EventKind.HOLDERS_NOTIFIED, date(2026, 3, 12))  # the due day itself
    notice = deal.record(date(2026, 3, 20))[DeadlineKind.HOLDER_NOTICE]
    assert (notice.outcome, notice.closed_on, notice.days_late) == (
        Outcome.MET,
        date(2026, 3, 12),
        0,
    )


def test_requested_information_closed_by_the_filing_without_the_notice_is_missed() -> None:
    deal = Deal()
    # Planned 04-01 for a 05-01 filing: due 05-01 - 15 = 04-16; filed 05-01, notice never sent.
    assert deal.add(EventKind.FILING_PLANNED, date(2026, 4, 1), planned_filing=date(2026, 5, 1))
    assert deal.add(EventKind.FILED, date(2026, 5, 1))
    info = deal.record(date(2026, 5, 2))[DeadlineKind.REQUESTED_INFO]
    assert (info.outcome, info.closed_on, info.days_late, info.performed) == (
        Outcome.MISSED,
        date(2026, 5, 1),
        15,  # 04-16 → 05-01
        False,
    )


def test_a_withdrawal_ends_the_demands_clocks() -> None:
    early = demanded()  # notice due 03-12
    assert early.add(EventKind.WITHDRAWN, date(2026, 3, 5), withdrawal=WithdrawalGround.OTHER)
    assert early.record(date(2026, 4, 1))[DeadlineKind.HOLDER_NOTICE].outcome is Outcome.LAPSED
    late = demanded()
    assert late.add(EventKind.WITHDRAWN, date(2026, 3, 20), withdrawal=WithdrawalGround.OTHER)
    notice = late.record(date(2026, 4, 1))[DeadlineKind.HOLDER_NOTICE]
    assert (notice.outcome, notice.closed_on, notice.days_late) == (
        Outcome.MISSED,
        date(2026, 3, 20),
        8,  # 03-12 → 03-20
    )


def test_delay_expiry_is_open_then_lapses_or_is_met_by_an_early_end() -> None:
    deal = Deal()
    assert deal.add(EventKind.FILED, date(2026, 10, 1))
    assert deal.add(EventKind.DELAY, date(2026, 11, 2), days=30)  # expires 11-02 + 30 = 12-02
    assert deal.record(date(2026, 12, 2))[DeadlineKind.DELAY_EXPIRY].outcome is Outcome.OPEN
    assert deal.record(date(2026, 12, 3))[DeadlineKind.DELAY_EXPIRY].outcome is Outcome.LAPSED
    assert deal.add(EventKind.DELAY_END, date(2026, 11, 20))
    expiry = deal.record(date(2026, 12, 3))[DeadlineKind.DELAY_EXPIRY]
    assert (expiry.outcome, expiry.closed_on) == (Outcome.MET, date(2026, 11, 20))


def test_a_mailed_piggyback_notice_is_listed_from_its_deposit() -> None:
    deal = Deal()
    # Deposited Thu 2026-12-31; New Year's Day is a holiday: Mon 4, Tue 5, Wed 6, Thu 7 →
    # received 2027-01-07; the Investor's window closes 01-07 + 20 = 2027-01-27.
    assert deal.add(EventKind.PIGGYBACK_NOTICE, date(2026, 12, 31), Delivery.MAIL)
    [listed] = running_deadlines(deal.state, date(2026, 12, 31))
    assert (listed.kind, listed.due) == (DeadlineKind.PIGGYBACK_REQUEST, date(2027, 1, 27))
    assert running_deadlines(deal.state, date(2026, 12, 30)) == []
    assert deal.record(date(2027, 1, 2))[DeadlineKind.PIGGYBACK_REQUEST].outcome is Outcome.OPEN


def test_lateness_names_what_an_event_closed_late_or_opened_overdue() -> None:
    today = date(2026, 3, 20)
    before = Deal()
    assert before.add(EventKind.S3_ELIGIBLE, date(2026, 1, 5))
    after = demanded()  # a demand received 03-02 recorded on 03-20: notice due 03-12
    opened = lateness(obligations(before.state, today), obligations(after.state, today))
    assert [(r.kind, r.days_late) for r in opened.opened_overdue] == [
        (DeadlineKind.HOLDER_NOTICE, 8)
    ]
    assert opened.closed_late == []
    notified = demanded()
    assert notified.add(EventKind.HOLDERS_NOTIFIED, date(2026, 3, 16))
    closed = lateness(obligations(after.state, today), obligations(notified.state, today))
    assert [(r.kind, r.outcome, r.days_late) for r in closed.closed_late] == [
        (DeadlineKind.HOLDER_NOTICE, Outcome.LATE, 4)
    ]
    assert closed.opened_overdue == []


# --------------------------------------------------------------------------- invariants

START = date(2026, 1, 5)
_STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                EventKind.S3_ELIGIBLE,
                EventKind.DEMAND,
                EventKind.HOLDERS_NOTIFIED,
                EventKind.FILING_PLANNED,
                EventKind.REQUESTED_INFO_SENT,
                EventKind.FILED,
                EventKind.EFFECTIVE,
                EventKind.STOP_ORDER,
                EventKind.WITHDRAWN,
                EventKind.DELAY,
                EventKind.DELAY_END,
                EventKind.PIGGYBACK_NOTICE,
                EventKind.PIGGYBACK_REQUESTED,
                EventKind.TERMINATED,
            ]
        ),
        st.integers(0, 400),
        st.sampled_from([Delivery.HAND, Delivery.MAIL]),
    ),
    max_size=14,
)


def _deal(steps: list[tuple[EventKind, int, Delivery]]) -> Deal:
    deal = Deal()
    for kind, offset, delivery in steps:
        on = START + timedelta(days=offset)
        facts: dict[str, object] = {
            EventKind.DEMAND: {"shares": 10},
            EventKind.FILING_PLANNED: {"planned_filing": on + timedelta(days=30)},
            EventKind.DELAY: {"days": 20},
            EventKind.PIGGYBACK_REQUESTED: {"shares": 5},
            EventKind.TERMINATED: {"ground": TerminationGround.SOLD_ALL},
            EventKind.WITHDRAWN: {"withdrawal": WithdrawalGround.MISSTATEMENT},
        }.get(kind, {})
        notice = kind in {EventKind.DEMAND, EventKind.HOLDERS_NOTIFIED, EventKind.PIGGYBACK_NOTICE}
        deal.add(kind, on, delivery if notice else None, **facts)
    return deal


@settings(max_examples=150, deadline=None)
@given(_STEPS, st.integers(0, 500))
def test_every_running_deadline_is_open_or_missed_in_the_record(
    steps: list[tuple[EventKind, int, Delivery]], later: int
) -> None:
    deal = _deal(steps)
    as_of = START + timedelta(days=400 + later)  # after every event
    record = {r.key: r for r in obligations(deal.state, as_of)}
    for deadline in running_deadlines(deal.state, as_of):
        found = record[deadline.key]
        assert found.closed_on is None and found.due == deadline.due
        expected = Outcome.OPEN if deadline.status(as_of) == "open" else Outcome.MISSED
        assert found.outcome is expected


@settings(max_examples=150, deadline=None)
@given(_STEPS, st.integers(0, 500))
def test_outcomes_agree_with_their_dates(
    steps: list[tuple[EventKind, int, Delivery]], later: int
) -> None:
    as_of = START + timedelta(days=later)
    for r in obligations(_deal(steps).state, as_of):
        assert r.opened_on <= as_of
        if r.outcome is Outcome.MET:
            assert r.closed_on is not None and r.closed_on <= r.due and r.days_late == 0
        elif r.outcome is Outcome.LATE:
            assert r.closed_on is not None and r.days_late == (r.closed_on - r.due).days > 0
        elif r.outcome is Outcome.OPEN:
            assert r.closed_on is None and r.due >= as_of
        elif r.outcome is Outcome.MISSED:
            assert r.days_late is not None and r.days_late >= 0
            assert r.kind not in {DeadlineKind.DELAY_EXPIRY, DeadlineKind.PIGGYBACK_REQUEST}
        if r.closed_on is not None:
            assert r.closed_on <= as_of
