"""The words of an alert. An Allowed Delay's reason is never part of one (§2(d))."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.alerts.poster import ALERT_BLOCK_PREFIX, AlertMessage
from bot.render.dates import day, days_left, section
from domain.rules.alert_plan import Slot
from domain.rules.calendar import BusinessCalendar


def alert_key(agreement_id: int, deadline_key: str, slot_key: str) -> str:
    """Names one alert wherever it is posted; it rides in the Slack message's metadata."""
    return f"{agreement_id}/{deadline_key}/{slot_key}"


def alert_message(
    key: str, slot: Slot, today: date, agreement_title: str, calendar: BusinessCalendar
) -> AlertMessage:
    deadline = slot.deadline
    due = day(deadline.due, calendar)
    left = days_left(deadline.days_left(today))
    where = section(deadline.section)
    headline = f"*{deadline.title}* ({where})"
    text = f"{deadline.title} ({where}) due {due}: {left}. To do: {deadline.action}."
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "block_id": ALERT_BLOCK_PREFIX + key,
            "text": {
                "type": "mrkdwn",
                "text": f"⏰ {headline}\nDue *{due}* — {left}.\n*To do:* {deadline.action}.",
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": agreement_title}]},
    ]
    return AlertMessage(key=key, text=text, blocks=blocks)
