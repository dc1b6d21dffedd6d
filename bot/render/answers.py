"""Every answer in words. One set of sentences for every front; the markup is the front's.

`render(answer, markup)` is what the asker reads; `render(answer, markup, to_channel=True)` what
the channel is told of a recorded event, which never holds a delay's reason (§2(d))."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import singledispatch

from bot.notices.reply import NOTICE_TITLES, drafted_reply
from bot.render.dates import day, days, days_left, section
from bot.render.markup import PLAIN, Markup
from domain.rules.compliance import Obligation, Outcome
from domain.rules.events import EventKind, WithdrawalGround
from domain.rules.terms import TermsProfile
from domain.services import answers as a
from domain.services.agreement import ADMIN
from domain.services.compliance_record import OBLIGATION_TITLES, ended_by


def render(answer: a.Answer, markup: Markup = PLAIN, *, to_channel: bool = False) -> str:
    return _render(answer, markup, to_channel)


def warning_line(warning: str, markup: Markup = PLAIN) -> str:
    return f"⚠ {markup.inline(warning)}"


@singledispatch
def _render(answer: object, m: Markup, to_channel: bool) -> str:
    raise TypeError(f"no words for {type(answer).__name__}")


# --------------------------------------------------------------------- refusals


@_render.register
def _(answer: a.Malformed, m: Markup, to_channel: bool) -> str:
    usage = f"\nUsage: {m.code(answer.usage)}" if answer.usage else ""
    stop = "" if answer.error.endswith(("?", ".")) else "."  # "did you mean `delay`?"
    return f"{m.inline(answer.error)}{stop}{usage}"


@_render.register
def _(answer: a.Unbound, m: Markup, to_channel: bool) -> str:
    return (
        "This channel is not bound to an agreement. An admin can bind it with "
        f"{m.code('setup ' + answer.profile_id)} (or another profile id)."
    )


@_render.register
def _(answer: a.RoleRefused, m: Markup, to_channel: bool) -> str:
    who = "admins" if answer.needed == ADMIN else "editors and admins"
    if answer.command == "undo":
        what, outcome = "undo events", "Nothing was undone."
    elif answer.records:
        what, outcome = "record events", "Nothing was recorded."
    else:
        what, outcome = f"use {m.code(answer.command)}", "Nothing was changed."
    return f"Refused: only {who} may {what}. {outcome}"


@_render.register
def _(answer: a.RuleRefused, m: Markup, to_channel: bool) -> str:
    if answer.clash is not None:
        seq = answer.clash.event.seq
        text = (
            f"Refused: with this event, #{seq} ({event_summary(answer.clash)}) would no longer "
            f"stand — {section(answer.section)}: {m.inline(answer.message)}. Undo #{seq} first "
            "if it was wrong."
        )
    else:
        verdict = "Would be refused" if answer.hypothetical else "Refused"
        text = f"{verdict} under {section(answer.section)}: {m.inline(answer.message)}."
    if answer.extend_max is not None:
        text += f" The running delay could be extended by at most {days(answer.extend_max)}."
    elif answer.allowed_on is not None:
        text += f" It would be allowed from {day(answer.allowed_on, answer.calendar)}."
    text += " Nothing was recorded."
    if answer.available_days is not None:
        text += f"\n{_room(answer.available_days, answer.extend_max)}."
    return text


@_render.register
def _(answer: a.FutureDated, m: Markup, to_channel: bool) -> str:
    return (
        f"Refused: {day(answer.on)} is in the future (today is {day(answer.today)}). Record an "
        f"event once it has happened; only {m.code('filing-planned')} takes a future date."
    )


@_render.register
def _(answer: a.NothingToUndo, m: Markup, to_channel: bool) -> str:
    if answer.seq is None and not answer.only_own:
        return "There is nothing to undo."
    whose = " of yours" if answer.only_own else ""
    what = f"#{answer.seq}" if answer.seq is not None else "anything"
    return f"There is nothing{whose} to undo: {what} is not a standing event you may retract."


@_render.register
def _(answer: a.AlreadyUndone, m: Markup, to_channel: bool) -> str:
    return (
        f"#{answer.seq} is already undone: {m.mention(answer.by)} retracted it "
        f"(#{answer.retraction_seq}). Nothing more was done."
    )


@_render.register
def _(answer: a.NotYoursToUndo, m: Markup, to_channel: bool) -> str:
    return (
        f"Refused: #{answer.seq} was recorded by {m.mention(answer.recorder)}; only they or an "
        "admin may undo it. Nothing was undone."
    )


@_render.register
def _(answer: a.UndoRefused, m: Markup, to_channel: bool) -> str:
    return (
        f"Refused: undoing #{answer.seq} would leave the history inconsistent "
        f"({section(answer.section)}: {m.inline(answer.message)})."
    )


@_render.register
def _(answer: a.NoGrantedRole, m: Markup, to_channel: bool) -> str:
    return f"{m.mention(answer.user)} holds no granted role on {m.code(answer.agreement)}."


@_render.register
def _(answer: a.LastAdmin, m: Markup, to_channel: bool) -> str:
    return (
        f"Refused: {m.mention(answer.user)} is the only admin of {m.code(answer.agreement)} and "
        "REGRIGHTS_ADMINS is not set, so no one could administer it from Slack. Grant another "
        "admin first. Nothing was changed."
    )


@_render.register
def _(answer: a.AgreementMoved, m: Markup, to_channel: bool) -> str:
    return (
        f"Refused: #{answer.seq} belongs to an agreement this channel is no longer bound to. "
        "Nothing was undone."
    )


@_render.register
def _(answer: a.Failed, m: Markup, to_channel: bool) -> str:
    return f"Something went wrong on my side. Check {m.code('history')} before you try again."


# --------------------------------------------------------------------- writes


def event_summary(line: a.EventLine) -> str:
    event, facts = line.event, line.event.facts
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
        parts.append(_WITHDRAWAL_WORDS[facts.withdrawal])
    if event.kind is EventKind.RETRACTION:
        parts.append(f"retracts #{facts.retracts}")
    text = " ".join(parts)
    if facts.delivery is not None:
        text += f", by {facts.delivery.value} on {day(event.on)}"
        if event.effective_on != event.on:
            text += f", effective {day(event.effective_on)}"
    else:
        text += f" on {day(event.on)}"
    if line.show_reason and facts.reason:
        reasons = line.terms.allowed_delay.reasons
        text += f" (reason {facts.reason}: {reasons.get(facts.reason, '')})"
    return text


_WITHDRAWAL_WORDS = {
    WithdrawalGround.MISSTATEMENT: "over an uncorrected misstatement",
    WithdrawalGround.OTHER: "on another ground",
}


def _standing(standing: a.DelayStanding) -> str:
    """A delay restated after an extension, an early end or an undo."""
    used = f"{days(standing.days_used)} used in the {standing.period_months} months ending"
    if standing.expires is None:
        return (
            f"The Allowed Delay from {day(standing.start)} no longer stands; {used} "
            f"{day(standing.counted_to)}."
        )
    return (
        f"The Allowed Delay from {day(standing.start)} now expires on {day(standing.expires)}; "
        f"{used} on its start."
    )


def _room(available: int, extend_max: int | None) -> str:
    words = f"{days(available)} available for a delay beginning that day"
    if extend_max is not None:
        words += f"; the running delay can be extended by up to {days(extend_max)}"
    return words


@_render.register
def _(answer: a.Recorded, m: Markup, to_channel: bool) -> str:
    event = answer.line.event
    # The reason is given once, on a line of its own, and only to the one who recorded it.
    lines = [f"Recorded #{event.seq}: {event_summary(_without_reason(answer.line))}."]
    lines += [
        f"Clock started: {d.title} ({section(d.section)}) due {day(d.due, answer.calendar)}."
        for d in answer.opened
    ]
    if answer.delay is not None:
        lines.append(_standing(answer.delay))
    reason = event.facts.reason
    if reason and not to_channel:
        words = answer.line.terms.allowed_delay.reasons[reason]
        lines.append(f"Reason ({reason}): {words} — shown only to you.")
    lines += [warning_line(w, m) for w in answer.warnings]
    return "\n".join(lines)


def _without_reason(line: a.EventLine) -> a.EventLine:
    return a.EventLine(line.event, line.terms, show_reason=False)


@_render.register
def _(answer: a.Undone, m: Markup, to_channel: bool) -> str:
    summary = event_summary(answer.line)
    seq = answer.line.event.seq
    restated = f"\n{_standing(answer.delay)}" if answer.delay is not None else ""
    if to_channel:
        return f"{m.mention(answer.user)} undid #{seq} ({summary}).{restated}"
    return (
        f"Undone: #{seq} {summary}. The retraction is recorded as #{answer.retraction_seq}."
        + restated
    )


@_render.register
def _(answer: a.Imported, m: Markup, to_channel: bool) -> str:
    noun = "command" if answer.count == 1 else "commands"
    lines = [f"Imported {answer.count} {noun} in one transaction."]
    return "\n".join(lines + [warning_line(w, m) for w in answer.warnings])


@_render.register
def _(answer: a.ImportFailed, m: Markup, to_channel: bool) -> str:
    return (
        f"Line {answer.line} ({m.code(answer.text[:80])}): {_render(answer.why, m, to_channel)}\n"
        "Nothing was imported: the file is recorded whole or not at all."
    )


@_render.register
def _(answer: a.SetUp, m: Markup, to_channel: bool) -> str:
    verb = "Set up" if answer.created else "Bound"
    was = ""
    if answer.unbound is not None:
        profile_id, title = answer.unbound
        was = f"It is no longer bound to {m.bold(title)} ({m.code(profile_id)}). "
    return (
        f"{verb} {m.bold(answer.title)} ({m.code(answer.profile_id)}) for this channel. {was}"
        f"Try {m.code('status')}, {m.code('terms')} or {m.code('help')}."
    )


@_render.register
def _(answer: a.Granted, m: Markup, to_channel: bool) -> str:
    return f"{m.mention(answer.user)} is now an {answer.role} of {m.code(answer.agreement)}."


@_render.register
def _(answer: a.Revoked, m: Markup, to_channel: bool) -> str:
    text = f"{m.mention(answer.user)} no longer holds a role on {m.code(answer.agreement)}."
    if answer.still_admin_by_setting:
        text += " (They stay an admin through REGRIGHTS_ADMINS.)"
    return text


@_render.register
def _(answer: a.LeadsSet, m: Markup, to_channel: bool) -> str:
    return (
        "Alerts will be posted "
        + ", ".join(days(x) for x in answer.leads)
        + " before each deadline."
    )


@_render.register
def _(answer: a.AlertTimeSet, m: Markup, to_channel: bool) -> str:
    return f"Alerts will be posted at {answer.at.strftime('%H:%M')} ({answer.timezone})."


# --------------------------------------------------------------------- questions


@_render.register
def _(answer: a.Deadlines, m: Markup, to_channel: bool) -> str:
    if not answer.deadlines:
        return f"No deadline is running as of {day(answer.as_of)}."
    lines = [f"Deadlines as of {day(answer.as_of)}:"]
    for d in answer.deadlines:
        flag = " — OVERDUE" if d.status(answer.as_of) == "overdue" else ""
        lines.append(
            f"• {day(d.due, answer.calendar)} — {d.title} ({section(d.section)}); "
            f"{days_left(d.days_left(answer.as_of))}{flag}"
        )
    return "\n".join(lines)


@_render.register
def _(answer: a.Status, m: Markup, to_channel: bool) -> str:
    terms, calendar = answer.terms, answer.deadlines.calendar
    delay_terms = terms.allowed_delay
    demand = (
        f"Demand right ({section(terms.demand.eligibility_section)}): "
        + DEMAND_STATE_WORDS[answer.demand_state]
    )
    demand += (
        " — a demand today would be accepted"
        if answer.demand_refusal is None
        else f" — {m.inline(answer.demand_refusal)}"
    )
    if answer.delay is not None:
        delay = (
            f"Allowed Delay ({section(delay_terms.section)}): running since "
            f"{day(answer.delay.start)}, expires {day(answer.delay.expires, calendar)}"
        )
        if answer.delay.reason:
            delay += f" — reason: {answer.delay.reason}"
    else:
        delay = f"Allowed Delay ({section(delay_terms.section)}): none running"
    next_start = day(answer.next_delay_start, calendar) if answer.next_delay_start else "never"
    delay += (
        f"; {days(answer.days_used)} used in the last {delay_terms.period_months} months of "
        f"{delay_terms.max_days}; "
        + (
            "none may begin: the Termination Date has passed, and nothing is left to delay"
            if answer.nothing_to_delay
            and answer.termination_date is not None
            and answer.termination_date <= answer.as_of
            else "none may begin: there is nothing to delay (no pending demand, and no "
            "Registration Statement filed or effective)"
            if answer.nothing_to_delay
            else f"next may begin {next_start}; " + _room(answer.next_start_days, answer.extend_max)
        )
    )
    lines = [
        f"{m.bold(terms.title)} — status as of {day(answer.as_of)}",
        demand,
        delay,
        f"Sales ({section(terms.sales_suspension.section)}): {_sales(answer.sales, m)}",
    ]
    if answer.termination_date:
        lines.append(
            f"Termination Date ({section(terms.termination.section)}): "
            f"{day(answer.termination_date)}"
        )
    lines.append(_render(answer.deadlines, m, to_channel))
    lines += [warning_line(w, m) for w in answer.warnings]
    return "\n".join(lines)


def _sales(sales: a.SalesSuspension | None, m: Markup) -> str:
    if sales is None:
        return "may proceed"
    reasons = []
    if sales.since is not None:
        reasons.append(
            f"since {day(sales.since)} ({section(sales.since_section)}), until the supplemented "
            f"prospectus arrives ({m.code('resume')})"
        )
    if sales.until is not None:
        reasons.append(
            f"during the Allowed Delay until {day(sales.until)} ({section(sales.until_section)})"
        )
    return "SUSPENDED " + " and ".join(reasons)


@_render.register
def _(answer: a.History, m: Markup, to_channel: bool) -> str:
    if not answer.total:
        return "Nothing has been recorded yet."
    lines = [f"The last {len(answer.lines)} of {answer.total} recorded events, newest first:"]
    for line in answer.lines:
        event = line.event
        struck = " (undone)" if event.seq in answer.retracted else ""
        when = _local_time(event.recorded_at, line.terms) if event.recorded_at else ""
        lines.append(
            f"#{event.seq} {event_summary(line)}{struck} — by {event.actor} via {event.source}, "
            f"{when}"
        )
    if answer.capped_at is not None:
        lines.append(f"(`history` shows at most the latest {answer.capped_at}.)")
    return "\n".join(lines)


def _local_time(moment: datetime, terms: TermsProfile) -> str:
    """A recorded time in the agreement's timezone (the store keeps UTC, perhaps naive)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(terms.zone).strftime("%Y-%m-%d %H:%M %Z")


@_render.register
def _(answer: a.Terms, m: Markup, to_channel: bool) -> str:
    profile = answer.terms
    d, delay, pb = profile.demand, profile.allowed_delay, profile.piggyback
    lines = [
        f"{m.bold(profile.title)} (dated {profile.dated}; profile {m.code(profile.id)}, "
        f"timezone {profile.timezone})",
        f"• {section(d.holder_notice.section)} Company notifies all other security holders within "
        f"{d.holder_notice.span} after receipt of the Investor's demand.",
        f"• {section(d.holder_inclusion.section)} Other holders' requests for inclusion: within "
        f"{d.holder_inclusion.span} after their receipt of the Company's notice.",
        f"• {section(d.eligibility_section)} Demands only after Short-Form (S-3) eligibility; "
        f"{_count(d.demands_allowed, 'Short-Form Registration')} in all, until the Termination "
        f"Date ({profile.termination.reading} of: all sold, Rule 144 three-month eligibility, "
        "transfer to a non-Affiliate).",
        f"• {section(d.effectiveness.section)} Not deemed effected unless effective within "
        f"{d.effectiveness.span} after filing (nor after a stop order "
        f"{section(d.stop_order_section)} or a withdrawal {section(d.withdrawal_section)}).",
        f"• {section(pb.request.section)} Investor's piggyback request within "
        f"{pb.request.span} after its receipt of the Company's notice; cutbacks "
        f"{section(pb.primary_cutback_section)}/{section(pb.secondary_cutback_section)} by shares "
        f"owned, {section(pb.requested_basis_section)} by shares requested.",
        f"• {section(delay.section)} Allowed Delay: at most {days(delay.max_days)} and at most "
        f"{_count(delay.max_delays, 'delay')} beginning in any {delay.period_months}-month "
        f"period; sales suspended meanwhile ({section(profile.sales_suspension.delay_section)}).",
        f"• {section(profile.requested_information.section)} Requested Information notice at "
        f"least {profile.requested_information.span} before the first anticipated filing "
        "date.",
        f"• {section(profile.sales_suspension.section)} Investor stops selling on a "
        f"{section(profile.sales_suspension.misstatement_section)} or "
        f"{section(profile.sales_suspension.stop_order_section)} notice until the supplemented "
        "prospectus arrives.",
        f"• {section(profile.notices.section)} Notices: by hand on receipt; by mail "
        f"{profile.notices.mail_rule} "
        f"({profile.notices.holiday_calendar} holidays).",
    ]
    if profile.drafting_defects:
        lines.append("Drafting defects:")
        lines += [f"⚠ {section(x.section)}: {x.note}" for x in profile.drafting_defects]
    quoted = [(what, value, c) for _, what, value, c in profile.cited_values() if c is not None]
    if quoted:
        lines.append("In the agreement's words:")
        lines += [
            f"• {value}, {what}, {_cited(c.section)}: “{c.quote}”" for what, value, c in quoted
        ]
    return "\n".join(lines)


def _cited(where: str) -> str:
    return "preamble" if where == "preamble" else section(where)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@_render.register
def _(answer: a.DelayAllowed, m: Markup, to_channel: bool) -> str:
    text = (
        f"Allowed under {section(answer.section)}: a delay of {days(answer.days)} from "
        f"{day(answer.start)} would cover {day(answer.start)} to {day(answer.last_day)} and "
        f"expire on {day(answer.expires, answer.calendar)}; {days(answer.days_used)} used in "
        f"the {answer.period_months} months ending on its start. Nothing was recorded."
    )
    text += f"\nOn {day(answer.start)}: {_room(answer.available_days, answer.extend_max)}."
    return text + "".join(f"\n{warning_line(w, m)}" for w in answer.warnings)


@_render.register
def _(answer: a.Compliance, m: Markup, to_channel: bool) -> str:
    if not answer.obligations:
        return f"No deadline has run as of {day(answer.as_of)}."
    lines = [f"Compliance record as of {day(answer.as_of)}, by due date:"]
    lines += [
        f"• {day(r.due, answer.calendar)} — {OBLIGATION_TITLES[r.kind]} ({section(r.section)}): "
        + _outcome(r, answer.as_of)
        for r in answer.obligations
    ]
    return "\n".join(lines)


def _outcome(record: Obligation, as_of: date) -> str:
    closed = record.closed_on
    late = days(record.days_late or 0)
    if record.outcome is Outcome.MET:
        return f"met on {day(closed)}" if closed else "met"
    if record.outcome is Outcome.LATE:
        assert closed is not None
        return f"LATE — met on {day(closed)}, {late} late"
    if record.outcome is Outcome.MISSED:
        if closed is None:
            return f"MISSED — not met, {late} overdue"
        return f"MISSED — never met; {ended_by(record)} on {day(closed)}, {late} after it was due"
    if record.outcome is Outcome.OPEN:
        return f"open, {days_left((record.due - as_of).days)}"
    if record.outcome is Outcome.SUPERSEDED:
        assert closed is not None
        return f"superseded on {day(closed)}, before it fell due ({ended_by(record)})"
    return "lapsed (the window closed)"


@_render.register
def _(answer: a.Cutback, m: Markup, to_channel: bool) -> str:
    owned = "/".join(section(s) for s in answer.owned_sections)
    header = [
        "holder",
        f"by owned ({owned})",
        f"by requested ({section(answer.requested_section)})",
    ]
    rows = [
        [name, f"{answer.by_owned[name]:,}", f"{answer.by_requested[name]:,}"]
        for name in answer.holders
    ]
    lines = [
        f"Cutback to {answer.capacity:,} shares: {m.code(answer.priority)} first, the rest pro "
        "rata.",
        m.table(header, rows),
    ]
    lines += [f"⚠ Drafting defect ({section(s)}): {note}" for s, note in answer.defects]
    return "\n".join(lines)


@_render.register
def _(answer: a.Help, m: Markup, to_channel: bool) -> str:
    if answer.detailed:
        return "\n\n".join(_topic(t, m) for t in answer.topics)
    lines = [
        f"{m.bold('regrights')} keeps the clocks of a registration rights agreement. Dates are "
        "YYYY-MM-DD;",
        f"{m.code('on DATE')} defaults to today; {m.code('by mail')} makes it a deposit date "
        f"(§9(b) in nstor-2002). {m.code('help <command>')} explains one.",
    ]
    group = None
    for topic in answer.topics:
        if topic.group != group:
            group = topic.group
            lines.append(f"{group}:")
        lines.append(f"• {m.code(topic.usage)}")
    return "\n".join(lines)


def _topic(topic: a.HelpTopic, m: Markup) -> str:
    lines = [m.code(topic.usage), topic.does]
    if topic.clock:
        lines.append(f"Clock: {topic.clock}.")
    if topic.section:
        lines.append(f"Section: §{topic.section}.")
    lines.append(f"Who: {topic.group.split(' (')[1].rstrip(')')}.")
    lines.append(f"Example: {m.code(topic.example)}")
    return "\n".join(lines)


# --------------------------------------------------------------------- counsel's outputs


@_render.register
def _(answer: a.TimelineView, m: Markup, to_channel: bool) -> str:
    t = answer.timeline
    lines = [
        f"{m.bold(answer.title)} — timeline as of {day(t.as_of)} (in Slack, "
        f"{m.code('/regrights timeline')} draws it; here, "
        f"{m.code('regrights timeline --out FILE.png')})",
        f"Allowed Delay ({section(t.delay_section)}): {days(t.days_used_12m)} used of "
        f"{t.max_days} in the {t.period_months} months ending today; "
        + (
            "no delay may begin: there is no registration to delay"
            if t.nothing_to_delay
            else f"next may begin {day(t.next_start_allowed)}"
            if t.next_start_allowed
            else "no delay may begin"
        ),
    ]
    lines += [
        f"• Delay {day(d.start)} to {day(d.expires)} ({days(d.days)})"
        + (" — running" if d.running else "")
        for d in t.delays
    ]
    lines += [
        f"• {t.period_months}-month window {day(w.first)} to {day(w.end - timedelta(days=1))}: "
        f"{days(w.days_used)} of {t.max_days}"
        for w in t.windows
        if w.opened_by is not None
    ]
    lines += [f"• {day(d.due)} — {d.title} ({section(d.section)})" for d in t.deadlines]
    return "\n".join(lines)


@_render.register
def _(answer: a.CalendarFeedLink, m: Markup, to_channel: bool) -> str:
    if answer.made is not None:
        by, when = answer.made
        return (
            f"The calendar address for {m.bold(answer.title)} was given to {m.mention(by)} when "
            f"it was made, on {day(when.date())}. It is kept only as a fingerprint, so it cannot "
            f"be shown again: {m.code('calendar reset')} makes a new one and turns that one off."
        )
    where = (
        answer.url
        if answer.url
        else f"{m.code(answer.path or '')} on the bot's public HTTPS address (set "
        f"{m.code('REGRIGHTS_PUBLIC_URL')} to have the whole address here; the feed is served "
        "in HTTP mode)"
    )
    retired = (
        "The previous address no longer works."
        if answer.reset
        else f"{m.code('calendar reset')} makes a new one and turns this one off."
    )
    return "\n".join(
        [
            ("New calendar address" if answer.reset else "Calendar address")
            + f" for {m.bold(answer.title)}: {where}",
            "Subscribe to it in Outlook or Google Calendar (add a calendar from a URL): one "
            "all-day event per deadline, with its section and the action to take, never a "
            "delay's reason.",
            f"Anyone holding the address can read the deadlines: share it only with counsel. {retired}",
        ]
    )


@_render.register
def _(answer: a.NotShared, m: Markup, to_channel: bool) -> str:
    return (
        f"I could not share the timeline in this channel ({answer.error}). Invite me to the "
        "channel, then ask again."
    )


# The demand right's state (SPEC §7's `demand.state`), as counsel read it.
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


# --------------------------------------------------------------------- notices


@_render.register
def _(answer: a.NoticeDrafted, m: Markup, to_channel: bool) -> str:
    return drafted_reply(answer, m)


@_render.register
def _(answer: a.NoticeRefused, m: Markup, to_channel: bool) -> str:
    return (
        f"No {NOTICE_TITLES[answer.kind]} drafted: under {section(answer.section)}, "
        f"{m.inline(answer.message)}."
    )


@_render.register
def _(answer: a.NoticeNotSent, m: Markup, to_channel: bool) -> str:
    return (
        f"I drafted the {NOTICE_TITLES[answer.kind]} but could not send it to you "
        f"({answer.error}). Nothing was posted in the channel; ask an admin to reinstall the app "
        f"with the {m.code('files:write')} and {m.code('im:write')} scopes, or use "
        f"{m.code('regrights notice')} from the shell."
    )
