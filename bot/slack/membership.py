"""Whether a user is a member of a channel (SPEC §14: a form acts only for a channel its user is
in). A form's submission names its channel in values Slack echoes back, and a user may hold a
role on agreements bound to channels they have left, so the channel's member list is asked,
with `conversations.members` (scopes channels:read and groups:read; the bot is in every
channel bound to an agreement, private ones included, so it may list their members)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("regrights.slack")

PAGE = 1000  # members per call, Slack's maximum


def is_member(client: WebClient, channel: str, user: str) -> bool:
    """True if `user` is in `channel`; False if not, or if Slack will not say."""
    try:
        for page in client.conversations_members(channel=channel, limit=PAGE):
            if user in (page.get("members") or []):
                return True
    except SlackApiError as exc:
        log.warning("could not list the members of %s: %s", channel, exc.response.get("error"))
    return False
