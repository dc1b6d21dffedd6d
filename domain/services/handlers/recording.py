"""Recording: an event of the agreement, checked by replaying the history with it, and undo."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.calendar import Delivery, notice_effective_on
from domain.rules.compliance import lateness_of
from domain.rules.dating import impossible_date, request_received_on
from domain.rules.deadlines import running_deadlines
from domain.rules.events import Event, EventKind, Facts, latest_standing
from domain.rules.registration import AgreementState, DelayRecord
from domain.rules.terms import TermsProfile
from domain.rules.violation import RuleViolation
from domain.services.agreement import Agreement
from domain.services.answers import (
    DelayStanding,
    EventLine,
    FutureDated,
    NothingToUndo,
    Recorded,
    RuleRefused,
    Undone,
    UndoRefused,
)
from domain.services.compliance_record import lateness_warnings
from domain.services.context import Context
from domain.services.delay_room import days_left, delay_standing, leap_day_warnings, undone_delay
from domain.services.grammar import RecordEvent, Undo, UsageError
from domain.services.replies import Reply
from domain.services.snapshots import Snapshot
from domain.services.undo_refusals import cannot_undo
from domain.services.views import delay_past_effectiveness
from domain.services.wording import section

log = logging.getLogger("regrights.service")

# Notices: their date is a receipt date by hand, a deposit date by mail (§9(b)).
NOTICE_KINDS = {
    EventKind.DEMAND,
    EventKind.HOLDERS_NOTIFIED,
    EventKind.REQUESTED_INFO_SENT,
    EventKind.PIGGYBACK_NOTICE,
}
DELAY_KINDS = {EventKind.DELAY, EventKind.DELAY_EXTEND, EventKind.DELAY_END}


@dataclass(frozen=True)
class Admitted:
    """An event the rules accept after the history: the snapshots before and after it, and
    for a retraction the event it retracts."""

    event: Event
    before: Snapshot
    after: Snapshot
    retracted: Event | None = None


def record_event(ctx: Context, command: RecordEvent) -> Reply:
    admitted = admit_event(ctx, command)
    if isinstance(admitted, Reply):
        return admitted
    ctx.service.append(ctx.store, ctx.agreement, admitted.event, admitted.after, ctx.caller)
    return _recorded(
        ctx.agreement, admitted.event, admitted.before.state, admitted.after.state, ctx.today
    )


def admit_event(ctx: Context, command: RecordEvent) -> Admitted | Reply:
    """The event `command` records, as the rules accept it; or the refusal. Nothing stored."""
    agreement, store, caller = ctx.agreement, ctx.store, ctx.caller
    terms = agreement.terms
    today = ctx.today
    on = command.on or today
    if on > today:
        extra: dict[str, Any] = {}
        if command.kind is EventKind.DELAY:
            allowed = next_delay_start(agreement, today, command.days)
            extra["next_start_allowed"] = allowed.isoformat() if allowed else None
        return Reply.refused(
            FutureDated(on, today),
            f"{on} is in the future: record events once they have happened "
            "(only `filing-planned` takes a future date)",
            **extra,
        )
    if command.reason is not None and command.reason not in terms.allowed_delay.reasons:
        raise UsageError(
            f"`{command.reason}` is not a reason: say " + " | ".join(terms.allowed_delay.reasons),
            "delay <days> [from YYYY-MM-DD] [reason i|ii|iii|iv]",
        )
    delivery = command.delivery if command.kind in NOTICE_KINDS else None
    try:
        effective_on = notice_effective_on(terms.notices, on, delivery or Delivery.HAND)
    except RuleViolation as violation:
        seq = store.next_seq(agreement.id)
        return rule_refusal(violation, command.kind, agreement, seq, today, command.days, on=on)
    if command.kind is EventKind.PIGGYBACK_REQUESTED:
        effective_on = request_received_on(agreement.events, on)
    event = Event(
        seq=store.next_seq(agreement.id),
        kind=command.kind,
        on=on,
        effective_on=effective_on,
        facts=Facts(
            delivery=delivery,
            shares=command.shares,
            days=command.days,
            reason=command.reason,
            ground=command.ground,
            withdrawal=command.withdrawal,
            planned_filing=command.planned_filing,
        ),
        actor=caller.user,
        source=f"{caller.source}:{caller.channel}",
        recorded_at=agreement.clock(caller),
    )
    impossible = impossible_date(agreement.events, event, terms)
    if impossible is not None:
        return Reply.malformed(f"{impossible}: nothing was recorded", ctx.usage or None)
    before = agreement.snapshot()
    try:
        return Admitted(event, before, before.after(event, agreement.events))
    except RuleViolation as violation:
        return rule_refusal(
            violation, command.kind, agreement, event.seq, today, command.days, on=on
        )


def rule_refusal(
    violation: RuleViolation,
    kind: EventKind,
    agreement: Agreement,
    new_seq: int,
    today: date,
    days: int | None = None,
    *,
    hypothetical: bool = False,
    on: date | None = None,
) -> Reply:
    """`agreement` holds the history without the refused event, dated `on` (default `today`);
    `hypothetical` for a check."""
    extra: dict[str, Any] = {}
    clash = None
    message = violation.message
    if violation.seq is not None and violation.seq != new_seq:
        # The new event is fine alone, but an event recorded earlier and dated later no
        # longer fits once it is in the history.
        event = next(e for e in agreement.events if e.seq == violation.seq)
        if kind is EventKind.DEMAND and event.kind is EventKind.DEMAND:
            # An earlier-dated second demand: the one recorded is the pending one.
            message = f"the demand received {event.effective_on} (#{event.seq}) is still pending"
        else:
            clash = EventLine(event, agreement.terms)
    allowed = violation.allowed_on
    extend_max = None
    if kind is EventKind.DELAY:
        # §2(d): with nothing to delay, no date can be promised.
        state = agreement.state()
        allowed = (
            next_delay_start(agreement, today, days)
            if state.has_registration_to_delay(today)
            else None
        )
        extra["next_start_allowed"] = allowed.isoformat() if allowed else None
    if kind is EventKind.DELAY_EXTEND:
        # An extension is refused for its length, not its date: say how long it could be, on
        # the day it was to be made, in the words as well as in `extend_max`.
        allowed = None
        most = days_left(agreement.state(), on or today).extend_max
        extra["extend_max"] = most
        if most is not None:
            plural = "" if most == 1 else "s"
            message += f"; the running delay can be extended by at most {most} day{plural}"
    answer = RuleRefused(
        message,
        violation.section,
        allowed,
        agreement.calendar,
        clash,
        hypothetical=hypothetical,
        extend_max=extend_max,
    )
    return Reply.refused(answer, message, violation.section, **extra)


def next_delay_start(agreement: Agreement, today: date, days: int | None) -> date | None:
    """The first day from `today` on which a delay of `days` (or of one day) could begin."""
    standing = [d.delay for d in agreement.state().delays]
    rule = AllowedDelayRule(agreement.terms.allowed_delay)
    return rule.next_start_allowed(standing, today, days or 1)


def delay_data(
    terms: TermsProfile, state: AgreementState, start: date, length: int
) -> dict[str, Any]:
    rule = AllowedDelayRule(terms.allowed_delay)
    delay = Delay(start, length)
    return {
        "start": delay.start.isoformat(),
        "last_day": delay.last_day.isoformat(),
        "expires": delay.expires.isoformat(),
        "days_used_12m": rule.days_used([d.delay for d in state.delays], start),
    }


def _recorded(
    agreement: Agreement, event: Event, before: AgreementState, after: AgreementState, today: date
) -> Reply:
    terms = agreement.terms
    data: dict[str, Any] = {
        "ok": True,
        "seq": event.seq,
        "kind": event.kind.value,
        "on": event.on.isoformat(),
        "effective_on": event.effective_on.isoformat(),
    }
    warnings: list[str] = []
    standing = None
    if event.kind in DELAY_KINDS:
        record = _delay_touched(after, event)
        data.update(delay_data(terms, after, record.delay.start, record.delay.days))
        warnings += delay_past_effectiveness(after, record.delay, record.delay.start)
        warnings += leap_day_warnings(after, [record.delay], record.delay.start)
        if event.kind is not EventKind.DELAY:
            standing = delay_standing(after, record.delay)
    warnings += lateness_warnings(lateness_of(before, after, today))
    if event.facts.delivery is Delivery.MAIL and _first_by_mail(agreement, event):
        warnings += _defects(terms, "notices")
    if event.kind is EventKind.TERMINATED:
        warnings += _defects(terms, "termination")
    if event.kind is EventKind.FILED and (
        before.current_cycle is None or before.current_cycle.demand_received is None
    ):
        warnings.append("No Demand Registration request is recorded for this filing.")
    data["warnings"] = warnings
    known = {d.key for d in running_deadlines(before, today)}
    opened = [d for d in running_deadlines(after, today) if d.key not in known]
    return Reply(
        ok=True,
        answer=Recorded(
            EventLine(event, terms, show_reason=True),
            opened,
            warnings,
            agreement.calendar,
            delay=standing,
        ),
        data=data,
        announce=True,
        recorded_seq=event.seq,
        agreement_id=agreement.id,
        warnings=warnings,
    )


def _first_by_mail(agreement: Agreement, event: Event) -> bool:
    """Whether `event` is the agreement's first notice by mail: §9(b)'s note is given once."""
    return not any(
        e.facts.delivery is Delivery.MAIL for e in agreement.events if e.seq != event.seq
    )


def _defects(terms: TermsProfile, about: str) -> list[str]:
    return [f"Drafting defect ({section(d.section)}): {d.note}" for d in terms.defects_about(about)]


def _delay_touched(state: AgreementState, event: Event) -> DelayRecord:
    """The delay a `delay`, `delay extend` or `delay end` event began, lengthened or ended."""
    if event.kind is EventKind.DELAY:
        return next(d for d in state.delays if d.seq == event.seq)
    if event.kind is EventKind.DELAY_END:
        return next(d for d in reversed(state.delays) if d.ended_early_on == event.effective_on)
    active = state.delay_active_on(event.effective_on)
    assert active is not None
    return active


def undo(ctx: Context, command: Undo) -> Reply:
    admitted = admit_undo(ctx, command)
    if isinstance(admitted, Reply):
        return admitted
    agreement, caller, retraction = ctx.agreement, ctx.caller, admitted.event
    target = admitted.retracted
    assert target is not None
    ctx.service.append(ctx.store, agreement, retraction, admitted.after, caller)
    standing = undone_delay(agreement.state(), target, ctx.today)
    return Reply(
        ok=True,
        answer=Undone(EventLine(target, agreement.terms), retraction.seq, caller.user, standing),
        data={"ok": True, "undone": target.seq, "seq": retraction.seq, **_standing_data(standing)},
        announce=True,
        recorded_seq=retraction.seq,
        agreement_id=agreement.id,
    )


def admit_undo(ctx: Context, command: Undo) -> Admitted | Reply:
    """The retraction `command` records, as the rules accept it; or the refusal. Nothing
    stored."""
    agreement, store, caller = ctx.agreement, ctx.store, ctx.caller
    admin = ctx.role == "admin"
    target = latest_standing(
        agreement.events,
        lambda e: (admin or e.actor == caller.user) and command.seq in {None, e.seq},
    )
    if target is None and command.seq is not None:
        return cannot_undo(agreement.events, command.seq)
    if target is None:
        return Reply.refused(NothingToUndo(None, only_own=not admin), "nothing to undo")
    today = ctx.today
    retraction = Event(
        seq=store.next_seq(agreement.id),
        kind=EventKind.RETRACTION,
        on=today,
        effective_on=today,
        facts=Facts(retracts=target.seq),
        actor=caller.user,
        source=f"{caller.source}:{caller.channel}",
        recorded_at=agreement.clock(caller),
    )
    before = agreement.snapshot()
    try:
        return Admitted(retraction, before, before.after(retraction, agreement.events), target)
    except RuleViolation as violation:
        return Reply.refused(
            UndoRefused(target.seq, violation.message, violation.section),
            violation.message,
            violation.section,
        )


def _standing_data(standing: DelayStanding | None) -> dict[str, Any]:
    if standing is None:
        return {}
    data: dict[str, Any] = {"days_used_12m": standing.days_used}
    if standing.expires is not None:
        data.update(start=standing.start.isoformat(), expires=standing.expires.isoformat())
    return data
