"""Posting alerts to Slack so that no retry can post one twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.alerts.poster import ALERT_BLOCK_PREFIX, ALERT_EVENT_TYPE, AlertMessage, PostFailed
from bot.settings import Settings
from bot.slack.web_retries import web_client

# Slack stamps a message with its own clock; look a little before the claim for skew.
_LOOKBACK_MARGIN = timedelta(minutes=10)
_CLIENT_ERRORS = (SlackClientError, OSError, HTTPException, ValueError)


class SlackPoster:
    def __init__(self, client: WebClient, *, read_history: bool = False) -> None:
        """`read_history`: whether `find` may read the channel (REGRIGHTS_READ_HISTORY)."""
        self.client = client
        self.read_history = read_history

    def post(self, channel: str, message: AlertMessage) -> str:
        try:
            response = self.client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                metadata=message.metadata,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            # A 5xx may come after Slack stored the message; a 429 or an error answer never does.
            raise PostFailed(
                f"HTTP {status} {error or ''}".strip(), uncertain=status >= 500
            ) from exc
        except _CLIENT_ERRORS as exc:
            raise PostFailed(_describe(exc), uncertain=True) from exc
        return str(response["ts"])

    def find(self, channel: str, key: str, since: datetime) -> str | None:
        if not self.read_history:  # not looked for: posted again, seen twice at worst
            return None
        oldest = (since - _LOOKBACK_MARGIN).timestamp()
        try:
            pages = self.client.conversations_history(
                channel=channel, oldest=f"{oldest:.6f}", include_all_metadata=True, limit=200
            )
            for page in pages:
                for message in page.get("messages", []):
                    if _carries(message, key):
                        return str(message["ts"])
        except _CLIENT_ERRORS as exc:
            raise PostFailed(
                f"could not read the channel: {_describe(exc)}", uncertain=True
            ) from exc
        return None


def _carries(message: dict[str, Any], key: str) -> bool:
    """Whether `message` is the alert `key`: by its metadata, or its first block's block_id
    when Slack returned no metadata."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") == ALERT_EVENT_TYPE and payload.get("alert") == key:
        return True
    blocks = message.get("blocks") or [{}]
    return bool(blocks[0].get("block_id") == ALERT_BLOCK_PREFIX + key)


def alert_client(settings: Settings, *, timeout: int = 30) -> WebClient:
    """A WebClient that retries a 429 after its Retry-After, and a failed connection only for
    reads: slack_sdk's default would resend a chat.postMessage Slack may already have stored."""
    if not settings.bot_token:
        raise ValueError("SLACK_BOT_TOKEN is not set")
    return web_client(settings, rate_limit_retries=3, timeout=timeout)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]
