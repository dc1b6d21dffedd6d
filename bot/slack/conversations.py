"""Where a slash command was typed: a direct message or a group DM is no place for an
agreement, since the bot can neither post nor read there."""

from __future__ import annotations

from typing import Any

NOT_HERE = (
    "Refused: I can neither post nor read in a direct message or a group DM, so agreements "
    "are set up and events recorded in a channel. Invite me to the deal's channel "
    "(`/invite @regrights`) and use `/regrights` there. Nothing was recorded."
)


def is_direct(command: dict[str, Any]) -> bool:
    """A DM (`D…`, named "directmessage") or a group DM (named "mpdm-…")."""
    channel_id = str(command.get("channel_id") or "")
    name = str(command.get("channel_name") or "")
    return channel_id.startswith("D") or name == "directmessage" or name.startswith("mpdm-")
