"""Block Kit for counsel's outputs: the App Home buttons to the timeline and the calendar link,
and the modal that answers them."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import Block, chunks

HOME_TIMELINE_ACTION_ID = "regrights_home_timeline"
HOME_CALENDAR_ACTION_ID = "regrights_home_calendar_link"
MODAL_TITLE_LIMIT = 24


def home_buttons(agreement: str, *, admin: bool) -> Block:
    """Beside an agreement on the App Home: its timeline, and for an admin its calendar link.
    Each button's value is the agreement's profile id."""
    buttons = [
        _button(HOME_TIMELINE_ACTION_ID, "Post the timeline", agreement),
    ]
    if admin:
        buttons.append(_button(HOME_CALENDAR_ACTION_ID, "Calendar link", agreement))
    return {"type": "actions", "elements": buttons}


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only shows `text` (mrkdwn) to the user who opened it."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:MODAL_TITLE_LIMIT]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in chunks(text)
        ],
    }


def _button(action_id: str, text: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        "value": value,
    }
