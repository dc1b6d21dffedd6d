"""What an alert pass needs from wherever alerts go (Slack, or the console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

# The event_type of the Slack message metadata every alert carries.
ALERT_EVENT_TYPE = "regrights_alert"
# An alert's key also rides in its first block's block_id: Slack returns block ids with every
# message, while metadata may need the metadata.message:read scope to be read back.
ALERT_BLOCK_PREFIX = "regrights_alert:"


@dataclass(frozen=True)
class AlertMessage:
    """One alert as posted: mrkdwn blocks, a plain fallback, and the key that identifies it."""

    key: str
    text: str
    blocks: list[dict[str, Any]]

    @property
    def metadata(self) -> dict[str, Any]:
        return {"event_type": ALERT_EVENT_TYPE, "event_payload": {"alert": self.key}}


class PostFailed(Exception):
    """The post did not certainly happen. `uncertain`: Slack may have received it (5xx, timeout,
    dropped connection), so look before posting again."""

    def __init__(self, reason: str, *, uncertain: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.uncertain = uncertain


class Poster(Protocol):
    def post(self, channel: str, message: AlertMessage) -> str:
        """Post and return the message's ts; raise PostFailed when it did not certainly post."""
        ...

    def find(self, channel: str, key: str, since: datetime) -> str | None:
        """The ts of an alert with this key posted in `channel` since `since`, if there is one."""
        ...
