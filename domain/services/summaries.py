"""Read-only views of an agreement: status, deadlines, history and terms, as data and as text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from domain.rules.allowed_delay import AllowedDelayRule, Delay
from domain.rules.calendar import BusinessCalendar
from domain.rules.deadlines import Deadline, running_deadlines
from domain.rules.events import Event, EventKind, Facts, WithdrawalGround
from domain.rules.registration import AgreementState, CycleStatus, RegistrationCycle
from domain.rules.terms import TermsProfile
from domain.services.delay_room import DelayRoom, delay_room, leap_day_warnings, room_words
from domain.services.wording import day, days, days_left, section


def deadline_data(deadline: Deadline, as_of: date) -> dict[str, Any]:
    return {
        "kind": deadline.kind.value,
        "section": deadline.section,
        "title": deadline.title,
        "due": deadline.due.isoformat(),
        "days_left": deadline.days_left(as_of),
        "status": deadline.status(as_of),
    }


def deadline_line(deadline: Deadline, as_of: date, calendar: BusinessCalendar) -> str:
    flag = " — OVERDUE" if deadline.status(as_of) == "overdue" else ""
    return (
        f"• {day(deadline.due, calendar)} — {deadline.title} ({section(deadline.section)}); "
        f"{days_left(deadline.days_left(as_of))}{flag}"
    )


def deadlines_text(deadlines: list[Deadline], as_of: date, calendar: BusinessCalendar) -> str:
    if not deadlines:
        return f"No deadline is running as of {day(as_of)}."
    lines = [f"Deadlines as of {day(as_of)}:"]
    lines += [deadline_line(d, as_of, calendar) for d in deadlines]
    return "\n".join(lines)


def demand_state(state: AgreementState, as_of: date) -> str:
    if state.terminated_on(as_of):
        return "terminated"
    cycle = state.current_cycle
    if cycle is not None and cycle.demand_received is not None:
        status = cycle.status_on(as_of, state.window_days)
        if status in {CycleStatus.REQUESTED, CycleStatus.FILED, CycleStatus.EFFECTIVE}:
            return status.value
    if state.effected_cycles(as_of):
        return "used"
    if state.s3_eligible is None or state.s3_eligible > as_of:
        return "not-eligible"
    return "available"


DEMAND_STATE_WORDS = {
    "terminated": "ended on the Termination Date",
    "requested": "exercised — the demand is pending",
    "filed": "exercised — the Registration Statement is filed and awaits effectiveness",
    "effective": "exercised — the registration is effective",
    "used": "used — the Short-Form Registration was effected",
    "not-eligible": "not yet exercisable (the Company is not yet eligible for Short-Form "
    "Registration)",
    "available": "available",
}


def warnings(state: AgreementState, as_of: date) -> list[str]:
    terms = state.terms
    found: list[str] = []
    cycle = state.current_cycle
    if cycle is not None:
        status = cycle.status_on(as_of, state.window_days)
        due = cycle.effectiveness_due(state.window_days)
        not_effected = section(terms.demand.not_effected_section)
        if status is CycleStatus.LAPSED and due is not None:
            found.append(
                f"The Registration Statement filed {cycle.filed} was not effective within "
                f"{terms.demand.effectiveness.days} days (by {due}): under {not_effected} it is not "
                "deemed effected, and the demand right is available again."
            )
        elif status is CycleStatus.EFFECTIVE_LATE and due is not None:
            found.append(
                f"The registration became effective on {cycle.effective}, after {due}: under "
                f"{section(terms.demand.effectiveness.section)} it is not deemed effected."
            )
        elif status is CycleStatus.STOPPED:
            lifted = (
                f"; it became effective on {cycle.effective} once the order was lifted, but "
                "remains not deemed effected"
                if cycle.effective is not None and cycle.effective <= as_of
                else ""
            )
            found.append(
                f"A stop order ({cycle.stop_order}) interfered with the registration: under "
                f"{section(terms.demand.stop_order_section)} it is not deemed effected{lifted}."
            )
        elif status is CycleStatus.WITHDRAWN:
            found.append(withdrawal_warning(terms, cycle))
    active = state.delay_active_on(as_of)
    if active is not None:
        found += delay_past_effectiveness(state, active.delay, as_of)
    found += leap_day_warnings(state, [d.delay for d in state.delays], as_of)
    if state.termination_grounds:
        found += [
            f"Drafting defect ({section(d.section)}): {d.note}"
            for d in terms.defects_about("termination")
        ]
    return found


def withdrawal_warning(terms: TermsProfile, cycle: RegistrationCycle) -> str:
    """§2(a)(ii)(C) names one ground for a withdrawal that is not deemed effected; for any other
    the bot follows (A), a registration that never became effective, and says so."""
    withdrawal = section(terms.demand.withdrawal_section)
    if cycle.withdrawal_ground is WithdrawalGround.MISSTATEMENT:
        return (
            f"The Investor withdrew its request on {cycle.withdrawn} over a misstatement the "
            f"Company did not correct: under {withdrawal} the registration is not deemed "
            "effected, and the demand right is available again."
        )
    ground = "on another ground" if cycle.withdrawal_ground else "without a recorded ground"
    return (
        f"The Investor withdrew its request on {cycle.withdrawn} {ground}. The demand right is "
        f"treated as available again under {section(terms.demand.stop_order_section)} (the "
        f"registration never became effective); but {withdrawal} names only an uncorrected "
        "misstatement, and can be read to mean any other withdrawal uses the demand up."
    )


def delay_past_effectiveness(state: AgreementState, delay: Delay, on: date) -> list[str]:
    """A delay does not stop the effectiveness clock: the warning, when `delay` runs past the
    deadline of a registration filed and still pending on `on`."""
    cycle = state.current_cycle
    if cycle is None or cycle.status_on(on, state.window_days) is not CycleStatus.FILED:
        return []
    due = cycle.effectiveness_due(state.window_days)
    if due is None or delay.expires <= due:
        return []
    clock = state.terms.demand.effectiveness
    return [
        f"The delay runs until {delay.expires}, past the {clock.days}-day effectiveness deadline "
        f"{due} ({section(clock.section)}): a delay does not stop that clock."
    ]


def status_data(profile: TermsProfile, state: AgreementState, as_of: date) -> dict[str, Any]:
    rule = AllowedDelayRule(profile.allowed_delay)
    delays = [d.delay for d in state.delays]
    active = state.delay_active_on(as_of)
    next_start = rule.next_start_allowed(delays, as_of, 1)
    room = delay_room(state, as_of)
    return {
        "ok": True,
        "as_of": as_of.isoformat(),
        "agreement": profile.id,
        "demand": {
            "available": state.demand_refusal(as_of) is None,
            "state": demand_state(state, as_of),
        },
        "delay": {
            "active": active is not None,
            "expires": active.delay.expires.isoformat() if active else None,
            "days_used_12m": rule.days_used(delays, as_of),
            "next_start_allowed": next_start.isoformat() if next_start else None,
            "available_days": room.available_days,
            "extend_max": room.extend_max,
        },
        "sales_suspended": state.sales_suspended_on(as_of),
        "termination_date": (
            state.termination_date.isoformat() if state.termination_date else None
        ),
        "deadlines": [deadline_data(d, as_of) for d in running_deadlines(state, as_of)],
        "warnings": warnings(state, as_of),
    }


def status_text(
    profile: TermsProfile,
    state: AgreementState,
    data: dict[str, Any],
    calendar: BusinessCalendar,
    *,
    show_reasons: bool,
) -> str:
    """`data` is what status_data gave for the same state."""
    as_of = date.fromisoformat(data["as_of"])
    delay = data["delay"]
    refusal = state.demand_refusal(as_of)
    demand_line = (
        f"Demand right ({section(profile.demand.eligibility_section)}): "
        + DEMAND_STATE_WORDS[data["demand"]["state"]]
    )
    demand_line += (
        " — a demand today would be accepted" if refusal is None else f" — {refusal.message}"
    )
    active = state.delay_active_on(as_of)
    if active is not None:
        delay_line = (
            f"Allowed Delay ({section(profile.allowed_delay.section)}): running since "
            f"{day(active.start)}, expires {day(active.delay.expires, calendar)}"
        )
        if show_reasons and active.reason:
            delay_line += (
                f" — reason ({active.reason}) {profile.allowed_delay.reasons[active.reason]}"
            )
    else:
        delay_line = f"Allowed Delay ({section(profile.allowed_delay.section)}): none running"
    next_start = delay["next_start_allowed"]
    delay_line += (
        f"; {days(delay['days_used_12m'])} used in the last {profile.allowed_delay.period_months} "
        f"months of {profile.allowed_delay.max_days}; next may begin "
        + (day(date.fromisoformat(next_start), calendar) if next_start else "never")
        + f"; {room_words(DelayRoom(delay['available_days'], delay['extend_max']))}"
    )
    sales_line = f"Sales ({section(profile.sales_suspension.section)}): " + _sales(state, as_of)
    lines = [
        f"*{profile.title}* — status as of {day(as_of)}",
        demand_line,
        delay_line,
        sales_line,
    ]
    if state.termination_date:
        lines.append(
            f"Termination Date ({section(profile.termination.section)}): {day(state.termination_date)}"
        )
    lines.append(deadlines_text(running_deadlines(state, as_of), as_of, calendar))
    lines += [f"⚠ {w}" for w in data["warnings"]]
    return "\n".join(lines)


def _sales(state: AgreementState, as_of: date) -> str:
    reasons = []
    if state.suspended_since is not None and state.suspended_since <= as_of:
        reasons.append(
            f"since {day(state.suspended_since)} ({section(state.suspension_section)}), until the "
            "supplemented prospectus arrives (`resume`)"
        )
    active = state.delay_active_on(as_of)
    if active is not None:
        reasons.append(
            f"during the Allowed Delay until {day(active.delay.expires)} "
            f"({section(state.terms.sales_suspension.delay_section)})"
        )
    return "SUSPENDED " + " and ".join(reasons) if reasons else "may proceed"


def event_summary(event: Event, profile: TermsProfile, *, show_reasons: bool) -> str:
    facts = event.facts
    if event.kind is EventKind.FILING_PLANNED and facts.planned_filing is not None:
        return f"anticipated filing date {day(facts.planned_filing)}, planned on {day(event.on)}"
    parts = [event.kind.value]
    if facts.shares is not None:
        parts.append(f"{facts.shares:,} shares")
    if facts.days is not None:
        parts.append(days(facts.days))
    if facts.ground is not None:
        parts.append(facts.ground.value)
    if facts.withdrawal is not None:
        parts.append(WITHDRAWAL_WORDS[facts.withdrawal])
    if event.kind is EventKind.RETRACTION:
        parts.append(f"retracts #{facts.retracts}")
    text = " ".join(parts)
    if facts.delivery is not None:
        text += f", by {facts.delivery.value} on {day(event.on)}"
        if event.effective_on != event.on:
            text += f", effective {day(event.effective_on)}"
    else:
        text += f" on {day(event.on)}"
    if show_reasons and facts.reason:
        text += f" (reason {facts.reason}: {profile.allowed_delay.reasons.get(facts.reason, '')})"
    return text


WITHDRAWAL_WORDS = {
    WithdrawalGround.MISSTATEMENT: "over an uncorrected misstatement",
    WithdrawalGround.OTHER: "on another ground",
}


def history_data(events: list[Event], limit: int, *, show_reasons: bool) -> list[dict[str, Any]]:
    retracted = {e.facts.retracts for e in events if e.kind is EventKind.RETRACTION}
    rows = []
    for event in reversed(events[-limit:]):
        facts = event.facts
        row: dict[str, Any] = {
            "seq": event.seq,
            "kind": event.kind.value,
            "on": event.on.isoformat(),
            "effective_on": event.effective_on.isoformat(),
            "delivery": facts.delivery.value if facts.delivery else None,
            "shares": facts.shares,
            "days": facts.days,
            "ground": _ground(facts),
            "planned_filing": facts.planned_filing.isoformat() if facts.planned_filing else None,
            "retracts": facts.retracts,
            "retracted": event.seq in retracted,
            "actor": event.actor,
            "source": event.source,
            "recorded_at": event.recorded_at.isoformat() if event.recorded_at else None,
        }
        if show_reasons:
            row["reason"] = facts.reason
        rows.append(row)
    return rows


def _ground(facts: Facts) -> str | None:
    """A termination's or a withdrawal's ground."""
    ground = facts.ground or facts.withdrawal
    return ground.value if ground else None


def history_text(
    events: list[Event], limit: int, profile: TermsProfile, *, show_reasons: bool
) -> str:
    if not events:
        return "Nothing has been recorded yet."
    retracted = {e.facts.retracts for e in events if e.kind is EventKind.RETRACTION}
    lines = [f"The last {min(limit, len(events))} of {len(events)} recorded events, newest first:"]
    for event in reversed(events[-limit:]):
        struck = " (undone)" if event.seq in retracted else ""
        when = _local_time(event.recorded_at, profile) if event.recorded_at else ""
        lines.append(
            f"#{event.seq} {event_summary(event, profile, show_reasons=show_reasons)}{struck} — "
            f"by {event.actor} via {event.source}, {when}"
        )
    return "\n".join(lines)


def _local_time(moment: datetime, profile: TermsProfile) -> str:
    """A recorded time in the agreement's timezone (the store keeps UTC, perhaps naive)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(profile.zone).strftime("%Y-%m-%d %H:%M %Z")


def terms_data(profile: TermsProfile) -> dict[str, Any]:
    d = profile.demand
    delay = profile.allowed_delay
    return {
        "ok": True,
        "agreement": profile.id,
        "title": profile.title,
        "timezone": profile.timezone,
        "clocks": [
            {
                "rule": "notice to other holders of a demand",
                "days": d.holder_notice.days,
                "section": d.holder_notice.section,
            },
            {
                "rule": "other holders' inclusion requests",
                "days": d.holder_inclusion.days,
                "section": d.holder_inclusion.section,
            },
            {
                "rule": "Short-Form Registrations the Investor may demand",
                "count": d.demands_allowed,
                "section": d.eligibility_section,
            },
            {
                "rule": "effectiveness after filing",
                "days": d.effectiveness.days,
                "section": d.effectiveness.section,
            },
            {
                "rule": "Investor's piggyback request",
                "days": profile.piggyback.request.days,
                "section": profile.piggyback.request.section,
            },
            {
                "rule": "Allowed Delay days in any period",
                "days": delay.max_days,
                "months": delay.period_months,
                "section": delay.section,
            },
            {
                "rule": "Allowed Delays beginning in any period",
                "count": delay.max_delays,
                "months": delay.period_months,
                "section": delay.section,
            },
            {
                "rule": "Requested Information before the first anticipated filing",
                "days": profile.requested_information.days,
                "section": profile.requested_information.section,
            },
            {
                "rule": "mailed notice effective after deposit",
                "business_days": profile.notices.mail_business_days,
                "section": profile.notices.section,
            },
        ],
        "termination_reading": profile.termination.reading,
        "drafting_defects": [
            {"section": x.section, "note": x.note} for x in profile.drafting_defects
        ],
    }


def terms_text(profile: TermsProfile) -> str:
    d = profile.demand
    delay = profile.allowed_delay
    pb = profile.piggyback
    lines = [
        f"*{profile.title}* (dated {profile.dated}; profile `{profile.id}`, timezone {profile.timezone})",
        f"• {section(d.holder_notice.section)} Company notifies all other security holders within "
        f"{days(d.holder_notice.days)} after receipt of the Investor's demand.",
        f"• {section(d.holder_inclusion.section)} Other holders' requests for inclusion: within "
        f"{days(d.holder_inclusion.days)} after their receipt of the Company's notice.",
        f"• {section(d.eligibility_section)} Demands only after Short-Form (S-3) eligibility; "
        f"{_count(d.demands_allowed, 'Short-Form Registration')} in all, until the Termination Date "
        f"({profile.termination.reading} of: all sold, Rule 144 three-month eligibility, "
        "transfer to a non-Affiliate).",
        f"• {section(d.effectiveness.section)} Not deemed effected unless effective within "
        f"{days(d.effectiveness.days)} after filing (nor after a stop order "
        f"{section(d.stop_order_section)} or a withdrawal {section(d.withdrawal_section)}).",
        f"• {section(pb.request.section)} Investor's piggyback request within "
        f"{days(pb.request.days)} after its receipt of the Company's notice; cutbacks "
        f"{section(pb.primary_cutback_section)}/{section(pb.secondary_cutback_section)} by shares "
        f"owned, {section(pb.requested_basis_section)} by shares requested.",
        f"• {section(delay.section)} Allowed Delay: at most {days(delay.max_days)} and at most "
        f"{_count(delay.max_delays, 'delay')} beginning in any {delay.period_months}-month period; "
        f"sales suspended meanwhile ({section(profile.sales_suspension.delay_section)}).",
        f"• {section(profile.requested_information.section)} Requested Information notice at least "
        f"{days(profile.requested_information.days)} before the first anticipated filing date.",
        f"• {section(profile.sales_suspension.section)} Investor stops selling on a "
        f"{section(profile.sales_suspension.misstatement_section)} or "
        f"{section(profile.sales_suspension.stop_order_section)} notice until the supplemented "
        "prospectus arrives.",
        f"• {section(profile.notices.section)} Notices: by hand on receipt; by mail "
        f"{profile.notices.mail_business_days} business days after deposit "
        f"({profile.notices.holiday_calendar} holidays).",
    ]
    if profile.drafting_defects:
        lines.append("Drafting defects:")
        lines += [f"⚠ {section(x.section)}: {x.note}" for x in profile.drafting_defects]
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
