"""Block Kit for counsel's outputs: the App Home buttons to the timeline and the calendar link,
and the modal that answers them."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.slack.blocks import chunks

HOME_TIMELINE_ACTION_ID = "regrights_home_timeline"
HOME_CALENDAR_ACTION_ID = "regrights_home_calendar_link"
MODAL_TITLE_LIMIT = 24  # slack_sdk refuses a longer title; a title made of a name is cut


def home_buttons(agreement: str, *, admin: bool) -> ActionsBlock:
    """Beside an agreement on the App Home: its timeline, and for an admin its calendar link.
    Each button's value is the agreement's profile id."""
    buttons = [
        ButtonElement(text="Post the timeline", action_id=HOME_TIMELINE_ACTION_ID, value=agreement)
    ]
    if admin:
        buttons.append(
            ButtonElement(text="Calendar link", action_id=HOME_CALENDAR_ACTION_ID, value=agreement)
        )
    return ActionsBlock(elements=buttons)


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only shows `text` (mrkdwn) to the user who opened it."""
    sections = [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in chunks(text)]
    view = View(type="modal", title=title[:MODAL_TITLE_LIMIT], close="Close", blocks=sections)
    shown: dict[str, Any] = view.to_dict()
    return shown
