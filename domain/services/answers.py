"""The answers of the use cases: what a recorded event, a refusal or a question gets back."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.calendar import Delivery
from domain.rules.cutback import HolderClaim, cutback
from domain.rules.deadlines import running_deadlines
from domain.rules.events import Event, EventKind, Facts
from domain.rules.registration import AgreementState, DelayRecord, replay
from domain.rules.terms import TermsProfile
from domain.rules.violation import RuleViolation
from domain.services.agreement import ADMIN, DEFAULT_PROFILE, Agreement, Caller
from domain.services.grammar import USAGE, CutbackRequest, DelayCheck, Help, History
from domain.services.replies import Reply
from domain.services.summaries import delay_past_effectiveness, event_summary
from domain.services.wording import day, days, section


def unbound(caller: Caller) -> Reply:
    return Reply.refused(
        f"this channel is not bound to an agreement: bind it with `setup {DEFAULT_PROFILE}`",
        None,
        "This channel is not bound to an agreement. An admin can bind it with "
        f"`setup {DEFAULT_PROFILE}` (or another profile id).",
        channel=caller.channel,
    )


def role_refusal(what: str, needed: str) -> Reply:
    return Reply.refused(
        f"only an {needed} may {what}",
        None,
        f"Refused: only {'admins' if needed == ADMIN else 'editors and admins'} may {what}. "
        "Nothing was recorded.",
    )


def capped_history(reply: Reply, command: History) -> Reply:
    """Say so when `history N` asked for more than the cap."""
    if command.asked is None:
        return reply
    reply.text += (
        f"\n(Asked for {command.asked:,}; `history` shows at most the latest {command.limit}.)"
    )
    reply.data["capped_at"] = command.limit
    return reply


def last_admin_refusal(user: str, profile_id: str) -> Reply:
    return Reply.refused(
        f"{user} is the only admin and REGRIGHTS_ADMINS is not set",
        None,
        f"Refused: <@{user}> is the only admin of `{profile_id}` and REGRIGHTS_ADMINS is not "
        "set, so no one could administer it from Slack. Grant another admin first. "
        "Nothing was changed.",
    )


def rule_refusal(
    violation: RuleViolation,
    kind: EventKind,
    agreement: Agreement,
    new_seq: int,
    *,
    today: date,
    days: int | None = None,
) -> Reply:
    """`agreement` holds the history without the refused event."""
    extra: dict[str, Any] = {}
    text = f"Refused under {section(violation.section)}: {violation.message}."
    if violation.seq is not None and violation.seq != new_seq:
        # The new event is fine alone, but an event recorded earlier and dated later no
        # longer fits once it is in the history.
        clash = next(e for e in agreement.events if e.seq == violation.seq)
        summary = event_summary(clash, agreement.terms, show_reasons=False)
        text = (
            f"Refused: with this event, #{clash.seq} ({summary}) would no longer stand — "
            f"{section(violation.section)}: {violation.message}. Undo #{clash.seq} first if "
            "it was wrong."
        )
    allowed = violation.allowed_on
    if kind in {EventKind.DELAY, EventKind.DELAY_EXTEND}:
        allowed = next_delay_start(agreement, today, days)
        extra["next_start_allowed"] = allowed.isoformat() if allowed else None
    if allowed is not None:
        text += f" It would be allowed from {day(allowed, agreement.calendar)}."
    text += " Nothing was recorded."
    return Reply.refused(violation.message, violation.section, text, **extra)


def next_delay_start(agreement: Agreement, today: date, days: int | None) -> date | None:
    """The first day from `today` on which a delay of `days` (or of one day) could begin."""
    standing = [d.delay for d in agreement.state().delays]
    rule = AllowedDelayRule(agreement.terms.allowed_delay)
    return rule.next_start_allowed(standing, today, days or 1)


def recorded(
    agreement: Agreement, event: Event, before: AgreementState, after: AgreementState, today: date
) -> Reply:
    terms = agreement.terms
    calendar = agreement.calendar
    data: dict[str, Any] = {"ok": True, "seq": event.seq, "kind": event.kind.value}
    data["on"] = event.on.isoformat()
    data["effective_on"] = event.effective_on.isoformat()
    warnings: list[str] = []
    if event.kind in {EventKind.DELAY, EventKind.DELAY_EXTEND, EventKind.DELAY_END}:
        record = _delay_touched(after, event)
        data.update(_delay_data(terms, after, record.delay.start, record.delay.days))
        warnings += delay_past_effectiveness(after, record.delay, record.delay.start)
    if event.facts.delivery is Delivery.MAIL:
        warnings += [
            f"Drafting defect ({section(d.section)}): {d.note}"
            for d in terms.defects_about("notices")
        ]
    if event.kind is EventKind.TERMINATED:
        warnings += [
            f"Drafting defect ({section(d.section)}): {d.note}"
            for d in terms.defects_about("termination")
        ]
    if event.kind is EventKind.FILED and (
        before.current_cycle is None or before.current_cycle.demand_received is None
    ):
        warnings.append("No Demand Registration request is recorded for this filing.")
    data["warnings"] = warnings
    summary = event_summary(event, terms, show_reasons=False)
    opened = [
        d
        for d in running_deadlines(after, today)
        if d.key not in {x.key for x in running_deadlines(before, today)}
    ]
    lines = [f"Recorded #{event.seq}: {summary}."]
    lines += [
        f"Clock started: {d.title} ({section(d.section)}) due {day(d.due, calendar)}."
        for d in opened
    ]
    if event.facts.reason:
        lines.append(
            f"Reason ({event.facts.reason}): {terms.allowed_delay.reasons[event.facts.reason]} — shown only to you."
        )
    lines += [f"⚠ {w}" for w in warnings]
    announcement_lines = [f"Recorded #{event.seq}: {summary}."]
    announcement_lines += [
        f"Clock started: {d.title} ({section(d.section)}) due {day(d.due, calendar)}."
        for d in opened
    ]
    announcement_lines += [f"⚠ {w}" for w in warnings]
    return Reply(
        ok=True,
        text="\n".join(lines),
        data=data,
        announcement="\n".join(announcement_lines),
        recorded_seq=event.seq,
        agreement_id=agreement.id,
        warnings=warnings,
    )


def _delay_touched(state: AgreementState, event: Event) -> DelayRecord:
    """The delay a `delay`, `delay extend` or `delay end` event began, lengthened or ended."""
    if event.kind is EventKind.DELAY:
        return next(d for d in state.delays if d.seq == event.seq)
    if event.kind is EventKind.DELAY_END:
        return next(d for d in reversed(state.delays) if d.ended_early_on == event.effective_on)
    active = state.delay_active_on(event.effective_on)
    assert active is not None
    return active


def _delay_data(
    terms: TermsProfile, state: AgreementState, start: date, length: int
) -> dict[str, Any]:
    rule = AllowedDelayRule(terms.allowed_delay)
    delays = [d.delay for d in state.delays]
    delay = Delay(start, length)
    return {
        "start": delay.start.isoformat(),
        "last_day": delay.last_day.isoformat(),
        "expires": delay.expires.isoformat(),
        "days_used_12m": rule.days_used(delays, start),
    }


def delay_check(
    agreement: Agreement, state: AgreementState, command: DelayCheck, today: date
) -> Reply:
    start = command.start or today
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
        return rule_refusal(
            violation, EventKind.DELAY, agreement, probe.seq, today=today, days=command.days
        )
    data = {"ok": True, **_delay_data(agreement.terms, after, start, command.days)}
    delay = Delay(start, command.days)
    warnings = delay_past_effectiveness(after, delay, delay.start)
    data["warnings"] = warnings
    text = (
        f"Allowed under {section(agreement.terms.allowed_delay.section)}: a delay of "
        f"{days(command.days)} from {day(start)} would cover {day(start)} to "
        f"{day(delay.last_day)} and expire on {day(delay.expires, agreement.calendar)}; "
        f"{days(data['days_used_12m'])} used in the {agreement.terms.allowed_delay.period_months} "
        "months ending on its start. Nothing was recorded."
    )
    text += "".join(f"\n⚠ {w}" for w in warnings)
    return Reply(ok=True, text=text, data=data, warnings=warnings)


def cutback_reply(terms: TermsProfile, command: CutbackRequest) -> Reply:
    holders = [HolderClaim(name, requested, owned) for name, requested, owned in command.holders]
    result = cutback(command.capacity, command.priority, holders)
    pb = terms.piggyback
    names = [command.priority[0], *(h.name for h in holders)]
    width = max(len(n) for n in names)
    lines = [
        f"Cutback to {command.capacity:,} shares: `{command.priority[0]}` first, the rest pro rata.",
        f"{'holder'.ljust(width)}  by owned ({section(pb.primary_cutback_section)}/{section(pb.secondary_cutback_section)})  by requested ({section(pb.requested_basis_section)})",
    ]
    lines += [
        f"{n.ljust(width)}  {result.by_owned[n]:>12,}  {result.by_requested[n]:>12,}" for n in names
    ]
    text = "```\n" + "\n".join(lines) + "\n```"
    text += "".join(
        f"\n⚠ Drafting defect ({section(d.section)}): {d.note}"
        for d in terms.defects_about("cutback")
    )
    return Reply(
        ok=True,
        text=text,
        data={"ok": True, "by_owned": result.by_owned, "by_requested": result.by_requested},
    )


def help_reply(command: Help) -> Reply:
    if command.topic:
        usage = USAGE[command.topic]
        return Reply(ok=True, text=f"`{usage}`", data={"ok": True, "usage": {command.topic: usage}})
    lines = [
        "*regrights* keeps the clocks of a registration rights agreement. Dates are YYYY-MM-DD;",
        "`on DATE` defaults to today; `by mail` makes it a deposit date (§9(b) in nstor-2002).",
        "Recording (editors, admins):",
        *(f"• `{USAGE[v]}`" for v in _RECORDING),
        "Asking (anyone in the channel):",
        *(
            f"• `{USAGE[v]}`"
            for v in ("status", "deadlines", "history", "terms", "cutback", "help")
        ),
        "Administering (admins):",
        *(f"• `{USAGE[v]}`" for v in ("setup", "grant", "revoke", "remind")),
    ]
    return Reply(ok=True, text="\n".join(lines), data={"ok": True, "usage": dict(USAGE)})


_RECORDING = (
    "s3-eligible",
    "demand",
    "holders-notified",
    "filing-planned",
    "requested-info-sent",
    "filed",
    "effective",
    "stop-order",
    "withdrawn",
    "suspend",
    "resume",
    "delay",
    "piggyback-notice",
    "piggyback-requested",
    "terminated",
    "undo",
)
