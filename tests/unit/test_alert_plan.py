"""The pure alert plan: slots, the catch-up rule and the next alert time, across DST."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.alert_plan import Schedule, Slot, latest_slot, next_slot_after, plan_alerts, slots
from domain.rules.deadlines import Deadline, DeadlineKind

NEW_YORK = ZoneInfo("America/New_York")
NY_9AM = Schedule([14, 7, 3, 1, 0], time(9, 0), NEW_YORK)


def deadline(
    due: date,
    opened_on: date,
    kind: DeadlineKind = DeadlineKind.EFFECTIVENESS,
    key: str = "effectiveness#1",
) -> Deadline:
    return Deadline(
        kind, "2(a)(ii)(F)", "Registration Statement effective", "act", due, opened_on, key
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def day_of(slot: Slot) -> date:
    return slot.deadline.due + timedelta(days=slot.offset)


def first(deadline: Deadline, schedule: Schedule, count: int) -> list[Slot]:
    return list(itertools.islice(slots(deadline, schedule), count))


# ----------------------------------------------------------------- hand-computed slots


def test_slots_of_an_effectiveness_deadline_straddling_the_spring_dst_change() -> None:
    # Due Tuesday 2026-03-10; New York moves to EDT on Sunday 2026-03-08.
    d = deadline(date(2026, 3, 10), date(2025, 9, 11))
    assert [(s.offset, day_of(s), s.at) for s in first(d, NY_9AM, 7)] == [
        (-14, date(2026, 2, 24), utc(2026, 2, 24, 14)),
        (-7, date(2026, 3, 3), utc(2026, 3, 3, 14)),
        (-3, date(2026, 3, 7), utc(2026, 3, 7, 14)),
        (-1, date(2026, 3, 9), utc(2026, 3, 9, 13)),
        (0, date(2026, 3, 10), utc(2026, 3, 10, 13)),
        (1, date(2026, 3, 11), utc(2026, 3, 11, 13)),
        (8, date(2026, 3, 18), utc(2026, 3, 18, 13)),
    ]
    assert [s.key for s in first(d, NY_9AM, 2)] == ["2026-03-10@-14", "2026-03-10@-7"]


def test_nine_oclock_new_york_on_each_dst_change_day() -> None:
    spring = deadline(date(2026, 3, 9), date(2026, 1, 1))  # lead 1 falls on 2026-03-08
    fall = deadline(date(2026, 11, 2), date(2026, 9, 1))  # lead 1 falls on 2026-11-01
    spring_slot = next(s for s in slots(spring, NY_9AM) if s.offset == -1)
    fall_slot = next(s for s in slots(fall, NY_9AM) if s.offset == -1)
    assert day_of(spring_slot) == date(2026, 3, 8) and spring_slot.at == utc(2026, 3, 8, 13)
    assert day_of(fall_slot) == date(2026, 11, 1) and fall_slot.at == utc(2026, 11, 1, 14)
    assert latest_slot(spring, NY_9AM, utc(2026, 3, 8, 12, 59, 59)) != spring_slot
    assert latest_slot(spring, NY_9AM, utc(2026, 3, 8, 13)) == spring_slot
    assert latest_slot(fall, NY_9AM, utc(2026, 11, 1, 13, 59, 59)) != fall_slot
    assert latest_slot(fall, NY_9AM, utc(2026, 11, 1, 14)) == fall_slot
    assert next_slot_after(spring, NY_9AM, utc(2026, 3, 7, 14)) == spring_slot
    assert next_slot_after(fall, NY_9AM, utc(2026, 10, 30, 13)) == fall_slot


def test_an_hour_the_clocks_skip_reads_as_the_hour_after() -> None:
    small_hours = Schedule([1], time(2, 30), NEW_YORK)
    d = deadline(date(2026, 3, 9), date(2026, 1, 1), DeadlineKind.DELAY_EXPIRY)
    (slot,) = first(d, small_hours, 2)
    assert slot.at == utc(2026, 3, 8, 7, 30)  # 03:30 EDT


def test_an_hour_the_clocks_repeat_reads_as_its_first_occurrence() -> None:
    small_hours = Schedule([1], time(1, 30), NEW_YORK)
    d = deadline(date(2026, 11, 2), date(2026, 9, 1), DeadlineKind.DELAY_EXPIRY)
    (slot,) = first(d, small_hours, 2)
    assert slot.at == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST an hour later


def test_leads_before_the_deadline_opened_are_skipped() -> None:
    # A 10-day window starts at its 7-day alert (SPEC §5).
    d = deadline(date(2026, 1, 15), date(2026, 1, 5), DeadlineKind.HOLDER_NOTICE)
    assert [s.offset for s in first(d, NY_9AM, 4)] == [-7, -3, -1, 0]
    # A lead falling on the opening day itself is kept.
    d = deadline(date(2026, 1, 15), date(2026, 1, 8), DeadlineKind.HOLDER_NOTICE)
    assert [s.offset for s in first(d, NY_9AM, 1)] == [-7]


def test_deadlines_closed_by_passing_have_no_overdue_alerts() -> None:
    for kind in (
        DeadlineKind.DELAY_EXPIRY,
        DeadlineKind.HOLDER_INCLUSION,
        DeadlineKind.PIGGYBACK_REQUEST,
    ):
        d = deadline(date(2026, 6, 30), date(2026, 5, 1), kind)
        assert [s.offset for s in slots(d, NY_9AM)] == [-14, -7, -3, -1, 0]
        assert next_slot_after(d, NY_9AM, utc(2026, 6, 30, 13)) is None
        assert latest_slot(d, NY_9AM, utc(2027, 1, 1)).offset == 0  # type: ignore[union-attr]


def test_overdue_alerts_the_day_after_then_weekly() -> None:
    d = deadline(date(2026, 3, 10), date(2025, 9, 11), DeadlineKind.REQUESTED_INFO)
    assert [s.offset for s in first(d, NY_9AM, 9)] == [-14, -7, -3, -1, 0, 1, 8, 15, 22]
    # 2026-03-25 09:00 EDT has come: the latest slot is +15; before it, +8.
    assert latest_slot(d, NY_9AM, utc(2026, 3, 25, 13)).offset == 15  # type: ignore[union-attr]
    assert latest_slot(d, NY_9AM, utc(2026, 3, 25, 12)).offset == 8  # type: ignore[union-attr]
    assert next_slot_after(d, NY_9AM, utc(2026, 3, 25, 12)).offset == 15  # type: ignore[union-attr]
    assert next_slot_after(d, NY_9AM, utc(2026, 3, 25, 13)).offset == 22  # type: ignore[union-attr]


# ----------------------------------------------------------------- the plan


def test_catch_up_posts_only_the_latest_slot_per_deadline() -> None:
    d = deadline(date(2026, 3, 10), date(2025, 9, 11))
    other = deadline(
        date(2026, 3, 20), date(2026, 2, 1), DeadlineKind.DELAY_EXPIRY, "delay_expiry#2"
    )
    # Down since February until 2026-03-09 at 11:00 EDT: -14, -7, -3 and -1 of the first have
    # come, and -14 of the other.
    plan = plan_alerts([d, other], NY_9AM, utc(2026, 3, 9, 15))
    assert [(s.deadline.key, s.offset) for s in plan.due_now] == [
        ("effectiveness#1", -1),
        ("delay_expiry#2", -14),
    ]
    assert plan.next_at == utc(2026, 3, 10, 13)


def test_claimed_slots_are_not_due_again_and_the_next_time_follows() -> None:
    d = deadline(date(2026, 3, 10), date(2025, 9, 11))
    now = utc(2026, 3, 9, 15)
    plan = plan_alerts([d], NY_9AM, now)
    assert [s.offset for s in plan.due_now] == [-1]
    assert plan.wake_at == utc(2026, 3, 9, 13)
    after = plan_alerts([d], NY_9AM, now, {d.key: plan.due_now[0].at})
    assert after.due_now == []
    assert after.next_at == after.wake_at == utc(2026, 3, 10, 13)
    # A slot claimed under an earlier due date holds back nothing later.
    moved = deadline(date(2026, 3, 20), date(2025, 9, 11))
    plan = plan_alerts([moved], NY_9AM, utc(2026, 3, 13, 15), {d.key: utc(2026, 3, 10, 13)})
    assert [s.key for s in plan.due_now] == ["2026-03-20@-7"]


def test_nothing_running_means_no_next_alert() -> None:
    plan = plan_alerts([], NY_9AM, utc(2026, 3, 9))
    assert plan.due_now == [] and plan.next_at is None and plan.wake_at is None


# ----------------------------------------------------------------- properties

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@st.composite
def cases(draw: st.DrawFn) -> tuple[Deadline, Schedule, datetime]:
    due = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    opened = due - timedelta(days=draw(st.integers(0, 200)))
    kind = draw(st.sampled_from(list(DeadlineKind)))
    leads = draw(st.lists(st.integers(0, 40), min_size=1, max_size=6))
    at = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    start = datetime.combine(due - timedelta(days=60), time(0), tzinfo=UTC)
    now = start + timedelta(minutes=draw(st.integers(0, 200 * 24 * 60)))
    return deadline(due, opened, kind), Schedule(leads, at, zone), now


def slots_through(d: Deadline, schedule: Schedule, end: datetime) -> list[Slot]:
    return list(itertools.takewhile(lambda s: s.at <= end, slots(d, schedule)))


@settings(max_examples=300, deadline=None)
@given(cases())
def test_latest_and_next_agree_with_the_full_list(
    case: tuple[Deadline, Schedule, datetime],
) -> None:
    d, schedule, now = case
    upto = slots_through(d, schedule, now + timedelta(days=400))
    passed = [s for s in upto if s.at <= now]
    coming = [s for s in upto if s.at > now]
    assert latest_slot(d, schedule, now) == (passed[-1] if passed else None)
    assert next_slot_after(d, schedule, now) == (coming[0] if coming else None)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_slots_rise_and_fall_at_the_hour_in_the_zone(
    case: tuple[Deadline, Schedule, datetime],
) -> None:
    d, schedule, _ = case
    listed = first(d, schedule, 12)
    assert all(a.at < b.at for a, b in itertools.pairwise(listed))
    for slot in listed:
        local = slot.at.astimezone(schedule.zone)
        wall = datetime.combine(day_of(slot), schedule.at)
        skipped = (
            datetime.combine(day_of(slot), schedule.at, tzinfo=schedule.zone)
            .astimezone(UTC)
            .astimezone(schedule.zone)
            .replace(tzinfo=None)
            != wall
        )
        if not skipped:
            assert local.replace(tzinfo=None) == wall
        assert day_of(slot) >= d.opened_on or slot.offset > 0


@settings(max_examples=300, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=4))
def test_one_alert_per_deadline_and_once_claimed_never_again(
    batch: list[tuple[Deadline, Schedule, datetime]],
) -> None:
    schedule, now = batch[0][1], batch[0][2]
    deadlines = [
        Deadline(d.kind, d.section, d.title, d.action, d.due, d.opened_on, f"{d.kind}#{n}")
        for n, (d, _, _) in enumerate(batch)
    ]
    plan = plan_alerts(deadlines, schedule, now)
    keys = [s.deadline.key for s in plan.due_now]
    assert len(keys) == len(set(keys))
    assert all(s.at <= now for s in plan.due_now)
    claimed = {s.deadline.key: s.at for s in plan.due_now}
    again = plan_alerts(deadlines, schedule, now, claimed)
    assert again.due_now == []
    assert again.next_at is None or again.next_at > now
    assert plan.next_at == again.next_at
