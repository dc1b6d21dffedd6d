"""Questions: status, deadlines, history, terms, whether a delay would be allowed, a cutback."""

from __future__ import annotations

from dataclasses import replace

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.audit_chain import ChainBreak
from domain.rules.cutback import HolderClaim, cutback
from domain.rules.events import Event, EventKind, Facts
from domain.rules.registration import replay
from domain.rules.violation import RuleViolation
from domain.services import answers
from domain.services.compliance_record import compliance_reply
from domain.services.context import Context
from domain.services.delay_room import DaysLeft, days_left, leap_day_warnings
from domain.services.grammar import CutbackRequest, DelayCheck, History, Query
from domain.services.handlers.recording import rule_refusal
from domain.services.replies import Reply
from domain.services.views import (
    deadlines_answer,
    delay_past_effectiveness,
    history_answer,
    status_answer,
)


def status(ctx: Context, command: Query) -> Reply:
    agreement = ctx.agreement
    answer = status_answer(
        agreement.state_on(ctx.today), ctx.today, agreement.calendar, show_reasons=ctx.insider
    )
    broken = agreement.history_break()
    if broken is not None:
        answer = replace(
            answer,
            history_break=broken.detail,
            warnings=[history_warning(broken), *answer.warnings],
        )
    return Reply.answered(answer, warnings=answer.warnings)


def history_warning(broken: ChainBreak) -> str:
    return (
        f"The recorded history does not prove itself: {broken.detail}. Nothing more can be "
        "recorded until an admin restores it (`regrights verify` names the break)."
    )


def deadlines(ctx: Context, command: Query) -> Reply:
    agreement, today = ctx.agreement, ctx.today
    return Reply.answered(deadlines_answer(agreement.state_on(today), today, agreement.calendar))


def terms(ctx: Context, command: Query) -> Reply:
    return Reply.answered(answers.Terms(ctx.agreement.terms))


def history(ctx: Context, command: History) -> Reply:
    events, profile = ctx.agreement.events, ctx.agreement.terms
    answer = history_answer(events, command.limit, profile, show_reasons=ctx.insider)
    if command.asked is not None:
        answer = replace(answer, capped_at=command.limit)
    return Reply.answered(answer)


def delay_check(ctx: Context, command: DelayCheck) -> Reply:
    agreement, today = ctx.agreement, ctx.today
    start = command.start or today
    state = agreement.state()
    room = days_left(state, start)
    running = state.delay_active_on(start)
    if running is not None:
        # Checked against the delays as they stand, extensions included, whatever their dates.
        violation = RuleViolation(
            agreement.terms.allowed_delay.section,
            f"an Allowed Delay is already running until {running.delay.expires} "
            "(use `delay extend` or `delay end`)",
        )
        return _would_be_refused(ctx, violation, 0, command, room)
    probe = Event(
        seq=max((e.seq for e in agreement.events), default=0) + 1,
        kind=EventKind.DELAY,
        on=start,
        effective_on=start,
        facts=Facts(days=command.days),
    )
    try:
        after = replay([*agreement.events, probe], agreement.terms)
    except RuleViolation as violation:
        return _would_be_refused(ctx, violation, probe.seq, command, room)
    delay = Delay(start, command.days)
    warnings = delay_past_effectiveness(after, delay, delay.start)
    warnings += leap_day_warnings(after, [d.delay for d in after.delays], start)
    rule = agreement.terms.allowed_delay
    answer = answers.DelayAllowed(
        section=rule.section,
        days=command.days,
        start=start,
        last_day=delay.last_day,
        expires=delay.expires,
        days_used=AllowedDelayRule(rule).days_used([d.delay for d in after.delays], start),
        period_months=rule.period_months,
        warnings=warnings,
        calendar=agreement.calendar,
        available_days=room.available_days,
        extend_max=room.extend_max,
    )
    return Reply.answered(answer, warnings=warnings)


def _would_be_refused(
    ctx: Context, violation: RuleViolation, seq: int, command: DelayCheck, room: DaysLeft
) -> Reply:
    """A check words a refusal as one that would be; its exit status stays that of a refusal."""
    refused = rule_refusal(
        violation,
        EventKind.DELAY,
        ctx.agreement,
        seq,
        ctx.today,
        command.days,
        hypothetical=True,
    )
    assert isinstance(refused.answer, answers.RuleRefused)
    refused.answer = replace(
        refused.answer, available_days=room.available_days, extend_max=room.extend_max
    )
    refused.data.update(available_days=room.available_days, extend_max=room.extend_max)
    return refused


def compliance(ctx: Context, command: Query) -> Reply:
    agreement = ctx.agreement
    return compliance_reply(agreement.state_on(ctx.today), ctx.today, agreement.calendar)


def cutback_shares(ctx: Context, command: CutbackRequest) -> Reply:
    profile = ctx.agreement.terms
    holders = [HolderClaim(name, requested, owned) for name, requested, owned in command.holders]
    result = cutback(command.capacity, command.priority, holders)
    piggyback = profile.piggyback
    answer = answers.Cutback(
        capacity=command.capacity,
        priority=command.priority[0],
        holders=[command.priority[0], *(h.name for h in holders)],
        by_owned=result.by_owned,
        by_requested=result.by_requested,
        owned_sections=(piggyback.primary_cutback_section, piggyback.secondary_cutback_section),
        requested_section=piggyback.requested_basis_section,
        defects=[(d.section, d.note) for d in profile.defects_about("cutback")],
    )
    return Reply.answered(answer)
