"""A state folded forward event by event gives what a full replay gives, whatever happens:
the state, the refusals, the running deadlines, the next alert time and what each event
closed late or opened overdue. Kept histories are found by their version alone."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.alert_plan import Schedule, plan_alerts
from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.calendar import Delivery
from domain.rules.compliance import lateness, lateness_of, obligations
from domain.rules.deadlines import Deadline, DeadlineKind, running_deadlines
from domain.rules.events import Event, EventKind, Facts, TerminationGround, live_events
from domain.rules.registration import AgreementState, replay
from domain.rules.terms import AllowedDelayTerms, load_profile
from domain.rules.violation import RuleViolation
from domain.services.snapshots import Snapshot, Snapshots

TERMS = load_profile("nstor-2002")
ORIGIN = date(2026, 1, 5)
SCHEDULE = Schedule([14, 7, 3, 1, 0], time(9), ZoneInfo("America/New_York"))

# Kinds drawn for random histories, the ones a long history is made of three times over; the
# undo is drawn apart, with its target.
COMMON = [
    EventKind.DELAY,
    EventKind.DELAY_EXTEND,
    EventKind.DELAY_END,
    EventKind.PIGGYBACK_NOTICE,
    EventKind.PIGGYBACK_REQUESTED,
]
KINDS = [kind for kind in EventKind if kind is not EventKind.RETRACTION] + COMMON * 2


@dataclass(frozen=True)
class Step:
    """One thing recorded: `shift` days after (or before) the previous step's date."""

    kind: EventKind | None  # None: an undo
    shift: int
    by_mail: bool
    number: int
    undo_latest: bool


steps = st.builds(
    Step,
    kind=st.sampled_from([*KINDS, None, None, None]),
    shift=st.one_of(st.integers(0, 12), st.integers(-45, 40)),  # mostly forward
    by_mail=st.booleans(),
    number=st.integers(1, 60),
    undo_latest=st.booleans(),
)


def _event(step: Step, seq: int, on: date, history: list[Event]) -> Event | None:
    standing = live_events(history)
    if step.kind is None:
        if not standing:
            return None
        latest = max(standing, key=lambda e: (e.effective_on, e.seq))
        target = latest if step.undo_latest else standing[step.number % len(standing)]
        return Event(seq, EventKind.RETRACTION, on, on, Facts(retracts=target.seq))
    kind = step.kind
    effective_on = on + timedelta(days=6 if step.by_mail else 0)
    facts = Facts(
        delivery=Delivery.MAIL if step.by_mail else Delivery.HAND,
        shares=step.number * 1000,
        days=step.number if kind in {EventKind.DELAY, EventKind.DELAY_EXTEND} else None,
        reason="i" if kind is EventKind.DELAY else None,
        ground=list(TerminationGround)[step.number % 3] if kind is EventKind.TERMINATED else None,
        planned_filing=on + timedelta(days=step.number)
        if kind is EventKind.FILING_PLANNED
        else None,
    )
    return Event(seq, kind, on, effective_on, facts)


def _outcome(
    run: Callable[[], AgreementState],
) -> tuple[AgreementState | None, tuple[str, str | None, int | None] | None]:
    try:
        return run(), None
    except RuleViolation as violation:
        return None, (violation.section, violation.message, violation.seq)


def _same_clocks(fast: AgreementState, full: AgreementState, day: date) -> None:
    for as_of in (day - timedelta(days=10), day, day + timedelta(days=25)):
        running = running_deadlines(fast, as_of)
        assert running == running_deadlines(full, as_of)
        assert _bulk_kinds(running) == _bulk_kinds_in_full(full, as_of)
        now = datetime.combine(as_of, time(15), tzinfo=UTC)
        assert plan_alerts(running, SCHEDULE, now) == plan_alerts(
            running_deadlines(full, as_of), SCHEDULE, now
        )


def _same_lateness(before: AgreementState, after: AgreementState, day: date) -> None:
    """What an event closed late or opened overdue, judged on what it changed, is what
    judging the whole record before and after it finds."""
    for as_of in (day, day + timedelta(days=40)):
        assert lateness_of(before, after, as_of) == lateness(
            obligations(before, as_of), obligations(after, as_of)
        )


def _bulk_kinds(running: list[Deadline]) -> set[str]:
    kinds = {DeadlineKind.DELAY_EXPIRY, DeadlineKind.PIGGYBACK_REQUEST}
    return {d.key for d in running if d.kind in kinds}


def _bulk_kinds_in_full(state: AgreementState, as_of: date) -> set[str]:
    """The delay and piggyback clocks running on `as_of`, found by reading every record."""
    window = timedelta(days=state.terms.piggyback.request.days)
    delays = {
        f"delay_expiry#{r.seq}"
        for r in state.delays
        if r.start <= as_of <= r.delay.expires and r.ended_early_on is None
    }
    notices = {
        f"piggyback_request#{n.seq}"
        for n in state.piggybacks
        if n.given <= as_of <= n.received + window
        and (n.requested_on is None or n.requested_on > as_of)
    }
    return delays | notices


@settings(max_examples=400, deadline=None)
@given(st.lists(steps, min_size=5, max_size=40))
def test_a_state_folded_forward_is_what_a_full_replay_gives(drawn: list[Step]) -> None:
    history: list[Event] = []
    snapshot = Snapshot.replayed([], TERMS)
    day = ORIGIN
    for step in drawn:
        day += timedelta(days=step.shift)
        event = _event(step, len(history) + 1, day, history)
        if event is None:
            continue
        untouched = copy.deepcopy(snapshot.state)
        full, refused = _outcome(lambda: replay([*history, event], TERMS))  # noqa: B023
        fast, fast_refused = _outcome(lambda: snapshot.after(event, history).state)  # noqa: B023
        assert fast_refused == refused
        assert snapshot.state == untouched  # a trial never changes what others may be reading
        if refused is not None:
            continue
        assert fast == full and fast is not None and full is not None
        _same_clocks(fast, full, day)
        _same_lateness(snapshot.state, fast, day)
        snapshot = snapshot.after(event, history)
        history.append(event)
        assert snapshot.last_seq == event.seq
        assert snapshot.last_dated == max(e.on for e in history)
        assert snapshot.takes_effect_after(day, history) == [
            e.effective_on for e in live_events(history) if e.effective_on > day
        ]


def test_a_write_folds_into_the_kept_state_and_an_undo_of_it_steps_back_without_a_replay() -> None:
    first = Event(1, EventKind.PIGGYBACK_NOTICE, ORIGIN, ORIGIN)
    second = Event(2, EventKind.SUSPEND, ORIGIN + timedelta(days=3), ORIGIN + timedelta(days=3))
    start = Snapshot.replayed([first], TERMS)
    after = start.after(second, [first])
    assert after.before_latest is not None and after.before_latest.state is start.state
    undo = Event(3, EventKind.RETRACTION, second.on, second.on, Facts(retracts=2))
    undone = after.after(undo, [first, second])
    assert undone.state is start.state and undone.last_seq == 3
    # The state before `first` is not kept, so undoing it too replays.
    again = Event(4, EventKind.RETRACTION, second.on, second.on, Facts(retracts=1))
    assert undone.after(again, [first, second, undo]).state == replay([], TERMS)


def test_a_backdated_event_is_replayed_and_refused_like_the_full_history() -> None:
    filed_on = ORIGIN - timedelta(days=200)
    history = [  # a registration on file, for the delays to delay (§2(d))
        Event(1, EventKind.S3_ELIGIBLE, filed_on, filed_on),
        Event(2, EventKind.DEMAND, filed_on, filed_on, Facts(shares=1000)),
        Event(3, EventKind.FILED, filed_on, filed_on),
        Event(4, EventKind.EFFECTIVE, filed_on, filed_on),
        Event(5, EventKind.DELAY, ORIGIN, ORIGIN, Facts(days=30, reason="i")),
    ]
    snapshot = Snapshot.replayed(history, TERMS)
    earlier = ORIGIN - timedelta(days=100)
    backdated = Event(6, EventKind.DELAY, earlier, earlier, Facts(days=10, reason="i"))
    try:
        snapshot.after(backdated, history)
    except RuleViolation as violation:
        assert violation.section == "2(d)" and violation.seq == 5
        assert "more than 1 delay" in violation.message
    else:
        raise AssertionError("two delays beginning within 12 months were accepted")


def test_a_kept_history_is_found_by_its_version_and_read_only_when_not_kept() -> None:
    kept = Snapshots()
    suspended = [Event(1, EventKind.SUSPEND, ORIGIN, ORIGIN)]
    reads: list[int] = []

    def read(events: list[Event]) -> Callable[[], list[Event]]:
        return lambda: reads.append(len(events)) or events

    first = kept.history(7, 1, TERMS, read(suspended))
    assert kept.history(7, 1, TERMS, read(suspended)) is first and reads == [1]
    later = ORIGIN + timedelta(days=9)
    resumed = [*suspended, Event(2, EventKind.RESUME, later, later)]
    assert kept.history(7, 2, TERMS, read(resumed)).snapshot.state == replay(resumed, TERMS)
    assert kept.history(8, 1, TERMS, read([])).events == ()  # another agreement
    # As of a day: the events dated by then, and the whole history when none is later.
    before = kept.history(7, 2, TERMS, read(resumed), through=ORIGIN + timedelta(days=3))
    assert before.events == tuple(suspended) and before.snapshot.state == replay(suspended, TERMS)
    assert kept.history(7, 2, TERMS, read(resumed), through=later) is (
        kept.history(7, 2, TERMS, read(resumed))
    )
    assert reads == [1, 2, 0]
    # A newer version kept, the older one went: asked again, it is read again, and not kept.
    assert kept.history(7, 1, TERMS, read(suspended)).events == tuple(suspended)
    assert kept.history(7, 2, TERMS, read(resumed)) is kept.history(7, 2, TERMS, read(resumed))
    assert reads == [1, 2, 0, 1]


# -------------------------------------------------------------- the caps, counted near a delay

TWO_IN_SIXTY = AllowedDelayRule(
    AllowedDelayTerms(
        section="5(b)", max_days=60, max_delays=2, period_months=12, reasons={"a": "x"}
    )
)
RULES = [AllowedDelayRule(TERMS.allowed_delay), TWO_IN_SIXTY]
far_delays = st.lists(st.tuples(st.integers(0, 9000), st.integers(1, 90)), max_size=30)


def _standing(rule: AllowedDelayRule, asks: list[tuple[int, int]]) -> list[Delay]:
    standing: list[Delay] = []
    for offset, days in asks:
        candidate = Delay(ORIGIN + timedelta(days=offset), days)
        if rule.breach([*standing, candidate]) is None:
            standing.append(candidate)
    return standing


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RULES), far_delays, st.integers(0, 9000), st.integers(1, 120))
def test_counting_only_delays_within_reach_finds_the_same_breach(
    rule: AllowedDelayRule, asks: list[tuple[int, int]], offset: int, days: int
) -> None:
    standing = _standing(rule, asks)
    added = Delay(ORIGIN + timedelta(days=offset), days)
    assert rule.breach_adding(standing, added) == rule.breach([*standing, added])


@settings(max_examples=60, deadline=None)
@given(far_delays, st.integers(0, 9000), st.integers(1, 90))
def test_the_next_start_allowed_ignores_nothing_that_matters_in_a_long_history(
    asks: list[tuple[int, int]], from_offset: int, length: int
) -> None:
    rule = RULES[0]
    standing = _standing(rule, asks)
    start = ORIGIN + timedelta(days=from_offset)
    found = rule.next_start_allowed(standing, start, length)
    assert found is not None
    assert rule.breach([*standing, Delay(found, length)]) is None
    day = start
    while day < found:
        blocked = any(d.is_active_on(day) for d in standing)
        assert blocked or rule.breach([*standing, Delay(day, length)]) is not None
        day += timedelta(days=1)
