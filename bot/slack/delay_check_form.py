"""The modal that asks whether a delay would be allowed (`delay check`): its Block Kit, its
submission read into the grammar's command, and the answer shown in place of the form."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View as ModalView

from bot.slack.blocks import chunks
from bot.slack.form_parts import (
    AGREEMENT,
    DATE,
    DAYS,
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
    state_values,
)
from bot.slack.record_form import MAX_DAYS, delay_room_text
from domain.services.commands import Parsed, spec_named
from domain.services.forms import FormAgreement
from domain.services.grammar import DelayCheck

DELAY_CHECK_FORM = "regrights_delay_check"


def delay_check_view(choices: list[FormAgreement]) -> View:
    blocks = [
        agreement_select(choices),
        input_block(DAYS, "Days", number(DAYS, maximum=MAX_DAYS)),
        input_block(
            DATE,
            "Beginning",
            {"type": "datepicker", "action_id": DATE},
            optional=True,
            hint="Empty: today.",
        ),
    ]
    blocks += agreement_contexts(choices, lambda a: delay_room_text(a.delay, a.today))
    return {
        "type": "modal",
        "callback_id": DELAY_CHECK_FORM,
        "title": plain("Check a delay"),
        "submit": plain("Check"),
        "close": plain("Close"),
        "private_metadata": "{}",
        "blocks": blocks,
    }


def read_delay_check(view: dict[str, Any]) -> tuple[str, Parsed]:
    """The channel and the question; FormError names the field at fault."""
    values = state_values(view)
    channel = metadata_channel(view) or chosen_channel(values)
    if not channel:
        raise FormError(AGREEMENT, "Choose the agreement.")
    count = number_value(values, DAYS)
    if count is None:
        raise FormError(DAYS, "Give the number of days.")
    if count > MAX_DAYS:
        raise FormError(DAYS, f"{count} days is more than any delay could be.")
    start = date_value(values)
    question = DelayCheck(count, date.fromisoformat(start) if start else None)
    return channel, Parsed(spec_named("delay check"), question)


def answer_view(text: str) -> View:
    """The form replaced by the answer (`response_action: update`); nothing was recorded."""
    sections = [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in chunks(text)]
    answer = ModalView(
        type="modal",
        callback_id=DELAY_CHECK_FORM,
        title="Check a delay",
        close="Done",
        private_metadata=json.dumps({}),
        blocks=sections,
    )
    shown: View = answer.to_dict()
    return shown
