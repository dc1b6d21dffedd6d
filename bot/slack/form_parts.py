"""The pieces both forms are made of: Block Kit inputs, and reading a submitted view's state."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.services.forms import FormAgreement

View = dict[str, Any]
Block = dict[str, Any]

AGREEMENT, DATE, DAYS = "agreement", "date", "days"  # block ids, each also its action id
OPTION_TEXT_LIMIT = 75  # Slack's limit for an option's text
ERROR_LIMIT = 300
CONTEXT_LINES = 10  # agreements described under a form's choice of channel


@dataclass(frozen=True)
class FormError(Exception):
    """A field of the form that cannot stand; shown beside it (`response_action: errors`)."""

    block_id: str
    message: str

    def errors(self) -> dict[str, str]:
        return {self.block_id: clip(self.message, ERROR_LIMIT)}


# ------------------------------------------------------------------ reading the state


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    state = view.get("state") or {}
    values = state.get("values") or {}
    return values if isinstance(values, dict) else {}


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    element = (values.get(block_id) or {}).get(block_id) or {}
    return element if isinstance(element, dict) else {}


def selected(values: dict[str, Any], block_id: str) -> str | None:
    option = _element(values, block_id).get("selected_option") or {}
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) and value else None


def number_value(values: dict[str, Any], block_id: str) -> int | None:
    raw = _element(values, block_id).get("value")
    if raw is None or raw == "":
        return None
    if not (isinstance(raw, str) and raw.isdigit() and int(raw) > 0):
        raise FormError(block_id, "Give a whole number, at least 1.")
    return int(raw)


def date_value(values: dict[str, Any]) -> str | None:
    raw = _element(values, DATE).get("selected_date")
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise FormError(DATE, "Choose a date from the calendar.") from None


def metadata_channel(view: dict[str, Any]) -> str | None:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return channel if isinstance(channel, str) and channel else None


# ------------------------------------------------------------------ building a view


def agreement_select(choices: list[FormAgreement]) -> Block:
    """The deal's channel, picked from Slack's own list of the user's conversations: Slack
    names each channel and pages the list, so no number of channels outgrows the form (a list
    of our own holds 100 options). Whether the channel is bound, and the user a member, is
    checked when the form is submitted."""
    element: Block = {
        "type": "conversations_select",
        "action_id": AGREEMENT,
        "placeholder": plain("Choose the deal's channel"),
        "filter": {
            "include": ["public", "private"],
            "exclude_bot_users": True,
            "exclude_external_shared_channels": True,
        },
    }
    if len({a.channel for a in choices}) == 1:
        element["initial_conversation"] = choices[0].channel
    return input_block(AGREEMENT, "Deal channel", element)


def chosen_channel(values: dict[str, Any]) -> str | None:
    """The channel picked in `agreement_select`."""
    channel = _element(values, AGREEMENT).get("selected_conversation")
    return channel if isinstance(channel, str) and channel else None


def agreement_contexts(
    choices: list[FormAgreement], text: Callable[[FormAgreement], str]
) -> list[Block]:
    """One line per agreement (by its first channel), at most `CONTEXT_LINES` of them."""
    first: dict[str, FormAgreement] = {}
    for choice in choices:
        first.setdefault(choice.profile_id, choice)
    shown = list(first.values())[:CONTEXT_LINES]
    lines = [f"*{clip(a.title, 120)}* (<#{a.channel}>): {text(a)}" for a in shown]
    if len(first) > CONTEXT_LINES:
        lines.append(
            f"… and {len(first) - CONTEXT_LINES} more agreements: the form opened in a deal's "
            "channel (`/regrights record`) shows its own."
        )
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": line}]} for line in lines]


def input_block(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def select(action_id: str, options: list[tuple[str, str]], placeholder: str) -> Block:
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "options": [_option(value, text) for value, text in options],
    }


def radio(action_id: str, options: list[tuple[str, str]], *, initial: str) -> Block:
    built = [_option(value, text) for value, text in options]
    return {
        "type": "radio_buttons",
        "action_id": action_id,
        "options": built,
        "initial_option": next(o for o in built if o["value"] == initial),
    }


def number(action_id: str, maximum: int | None = None) -> Block:
    element: Block = {
        "type": "number_input",
        "action_id": action_id,
        "is_decimal_allowed": False,
        "min_value": "1",
    }
    if maximum is not None:
        element["max_value"] = str(maximum)
    return element


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain(clip(text, OPTION_TEXT_LIMIT)), "value": value}


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
