"""The modal that records an event: its Block Kit, and its submission read back into the very
command the grammar gives for the same words (SPEC §9)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.render.dates import day, days, section
from bot.slack.form_parts import (
    AGREEMENT,
    DATE,
    DAYS,
    Block,
    FormError,
    View,
    agreement_contexts,
    agreement_select,
    chosen_channel,
    date_value,
    input_block,
    metadata_channel,
    number,
    number_value,
    plain,
    radio,
    select,
    selected,
    state_values,
)
from domain.rules.calendar import Delivery
from domain.rules.events import EventKind, TerminationGround
from domain.services.commands import Parsed, spec_named
from domain.services.forms import DelayRoom, FormAgreement
from domain.services.grammar import RecordEvent
from domain.services.replies import Reply

RECORD_FORM = "regrights_record"  # the modal's callback_id, and the global shortcut's
EVENT, DELIVERY, SHARES, GROUND, REASON = "event", "delivery", "shares", "ground", "reason"

# What can be recorded: the grammar's verb, and its name in the list.
EVENTS: dict[str, str] = {
    "s3-eligible": "Short-Form (S-3) eligibility reached",
    "demand": "Demand Registration request received",
    "holders-notified": "Other holders notified of the demand",
    "filing-planned": "Filing planned (date: the anticipated filing)",
    "requested-info-sent": "Requested Information notice sent",
    "filed": "Registration statement filed",
    "effective": "Registration statement declared effective",
    "stop-order": "Stop order issued",
    "withdrawn": "Registration statement withdrawn",
    "suspend": "Sales suspended (misstatement)",
    "resume": "Sales may resume (supplement delivered)",
    "delay": "Allowed Delay begins",
    "delay extend": "Allowed Delay extended",
    "delay end": "Allowed Delay ended early",
    "piggyback-notice": "Company's notice of its own registration received",
    "piggyback-requested": "Investor asks to be included (piggyback)",
    "terminated": "Registration rights terminated",
}
DELIVERIES = ("hand", "mail")
MAX_DAYS = 3650  # as the grammar reads `delay <days>`
MAX_SHARES = 10**12 - 1  # as the grammar reads a number of shares
GROUNDS = {
    "sold-all": "all shares sold",
    "rule144": "Rule 144 eligible",
    "transferred": "transferred",
}

# Which fields each event takes; a field filled in for an event that does not take it is refused.
_SHARES = {"demand", "piggyback-requested"}
_DAYS = {"delay", "delay extend"}
_GROUND = {"terminated"}
_DELIVERY = {"demand", "holders-notified", "piggyback-notice"}
_REASON = {"delay"}
_NO_DATE = {"delay extend"}
_DATE_KEYWORD = {"delay": "from", "filing-planned": ""}  # "" : the date is the argument


@dataclass(frozen=True)
class Submission:
    channel: str
    parsed: Parsed  # as the grammar parses the same command typed

    @property
    def command(self) -> RecordEvent:
        assert isinstance(self.parsed.command, RecordEvent)
        return self.parsed.command


def record_view(choices: list[FormAgreement], chosen: FormAgreement | None = None) -> View:
    """The modal for `chosen` (opened in its channel), or with a choice among `choices`."""
    shown = [chosen] if chosen else choices
    blocks: list[Block] = []
    if chosen is None:
        blocks.append(agreement_select(choices))
    blocks += [
        input_block(EVENT, "What happened", select(EVENT, list(EVENTS.items()), "Choose an event")),
        input_block(
            DATE,
            "Date",
            {"type": "datepicker", "action_id": DATE},
            optional=True,
            hint="Empty: today. For a notice, the day it was received (by hand) or mailed; for "
            "a delay, its first day; for a planned filing, the anticipated filing date.",
        ),
        input_block(
            DELIVERY,
            "Notice delivered",
            radio(
                DELIVERY,
                list(zip(DELIVERIES, ("by hand", "by mail (§9(b))"), strict=True)),
                initial="hand",
            ),
            optional=True,
            hint="For a demand, the holders' notice and a piggyback notice only.",
        ),
        input_block(
            SHARES, "Shares", number(SHARES), optional=True, hint="A demand or a piggyback request."
        ),
        input_block(
            DAYS,
            "Days",
            number(DAYS, maximum=MAX_DAYS),
            optional=True,
            hint="A delay, or the days added to one.",
        ),
        input_block(
            GROUND,
            "Ground",
            select(GROUND, list(GROUNDS.items()), "Choose a ground"),
            optional=True,
            hint="For a termination only.",
        ),
    ]
    reasons = next((a.reasons for a in shown if a.insider and a.reasons), None)
    if reasons:
        options = [(key, f"{key}: {text}") for key, text in reasons.items()]
        blocks.append(
            input_block(
                REASON,
                "Reason for the delay",
                select(REASON, options, "Choose a reason"),
                optional=True,
                hint="Shown only to editors and admins, never in the channel (§2(d)).",
            )
        )
    if chosen is not None:
        blocks.append(_delay_context(chosen))
    else:
        blocks += agreement_contexts(choices, lambda a: delay_room_text(a.delay, a.today))
    return {
        "type": "modal",
        "callback_id": RECORD_FORM,
        "title": plain("Record an event"),
        "submit": plain("Record"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"channel": chosen.channel} if chosen else {}),
        "blocks": blocks,
    }


def nothing_to_record_view() -> View:
    text = (
        "You hold no role on an agreement. In a channel bound to one, an admin can make you "
        "an editor with `/regrights grant`."
    )
    return {
        "type": "modal",
        "callback_id": RECORD_FORM,
        "title": plain("Record an event"),
        "close": plain("Close"),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def read_submission(view: dict[str, Any]) -> Submission:
    """The channel and the command a submitted form gives; FormError names the field at fault."""
    values = state_values(view)
    channel = metadata_channel(view) or chosen_channel(values)
    if not channel:
        raise FormError(AGREEMENT, "Choose the agreement.")
    verb = selected(values, EVENT)
    if verb not in EVENTS:
        raise FormError(EVENT, "Choose what happened.")
    return Submission(channel, _command(verb, values))


def _command(verb: str, values: dict[str, Any]) -> Parsed:
    shares = number_value(values, SHARES)
    count = number_value(values, DAYS)
    ground = selected(values, GROUND)
    reason = selected(values, REASON)
    mail = selected(values, DELIVERY) == "mail"
    on = date_value(values)
    name = EVENTS[verb].lower()
    _takes(
        SHARES,
        shares,
        verb in _SHARES,
        f"shares are given only for {_names(_SHARES)}",
        f"{name}: give the number of shares",
    )
    _takes(
        DAYS,
        count,
        verb in _DAYS,
        f"days are given only for {_names(_DAYS)}",
        f"{name}: give the number of days",
    )
    _takes(
        GROUND,
        ground,
        verb in _GROUND,
        "a ground is given only for a termination",
        f"{name}: choose the ground",
    )
    _takes(DATE, on, verb not in _NO_DATE, f"{name}: no date (it extends the running delay)", None)
    if verb == "filing-planned" and on is None:
        raise FormError(DATE, f"{name}: give the anticipated filing date")
    if mail and verb not in _DELIVERY:
        raise FormError(DELIVERY, f"only a notice is delivered by mail: {_names(_DELIVERY)}")
    if reason and verb not in _REASON:
        raise FormError(REASON, "a reason is given only for a delay")
    if ground is not None and ground not in GROUNDS:
        raise FormError(GROUND, "Choose a ground from the list.")
    if selected(values, DELIVERY) not in (None, *DELIVERIES):
        raise FormError(DELIVERY, "Choose by hand or by mail.")
    if count is not None and count > MAX_DAYS:
        raise FormError(DAYS, f"{count} days is more than any delay could be.")
    if shares is not None and shares > MAX_SHARES:
        raise FormError(SHARES, "Give the number of shares, at most 12 digits.")
    # The values go straight into the command, never back into text to be parsed (SPEC §14).
    day = date.fromisoformat(on) if on is not None else None
    planned = verb == "filing-planned"
    command = RecordEvent(
        EventKind(verb.replace(" ", "-")),
        on=None if planned else day,
        delivery=Delivery.MAIL if mail else Delivery.HAND,
        shares=shares,
        days=count,
        reason=reason,
        ground=TerminationGround(ground) if ground is not None else None,
        planned_filing=day if planned else None,
    )
    return Parsed(spec_named(verb), command)


def refusal_errors(reply: Reply, command: RecordEvent) -> dict[str, str]:
    """A refused submission, shown beside the field it turns on, citing the section."""
    section_id = reply.data.get("section")
    where = f"Refused under {section(section_id)}" if section_id else "Refused"
    message = f"{where}: {reply.data.get('error', 'not recorded')}."
    allowed = reply.data.get("next_start_allowed")
    if allowed:
        message += f" Allowed from {day(date.fromisoformat(allowed))}."
    block = DAYS if command.days is not None else EVENT
    return FormError(block, message + " Nothing was recorded.").errors()


# ------------------------------------------------------------------ reading the state


def _takes(block_id: str, value: object, takes: bool, unwanted: str, missing: str | None) -> None:
    if value is not None and not takes:
        raise FormError(block_id, unwanted[:1].upper() + unwanted[1:] + ".")
    if value is None and takes and missing is not None:
        raise FormError(block_id, missing[:1].upper() + missing[1:] + ".")


def _names(verbs: set[str]) -> str:
    return ", ".join(EVENTS[v].lower() for v in EVENTS if v in verbs)


# ------------------------------------------------------------------ building the view


def _delay_context(agreement: FormAgreement) -> Block:
    text = delay_room_text(agreement.delay, agreement.today)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def delay_room_text(room: DelayRoom, today: date) -> str:
    where = section(room.section)
    if room.running_until is not None:
        return (
            f"Allowed Delay ({where}): one is running until {day(room.running_until)}; it can "
            f"be extended by up to {days(room.extend_max or 0)}."
        )
    if room.available_days == 0:
        return f"Allowed Delay ({where}): no delay may begin today ({day(today)})."
    return (
        f"Allowed Delay ({where}): a delay beginning today ({day(today)}) may last up to "
        f"{days(room.available_days)}."
    )
