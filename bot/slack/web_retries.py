"""The one Web API client factory, with retries that never post a message twice.

slack_sdk's default handler resends any request whose connection failed, chat.postMessage
included, though Slack may have stored the message before the connection dropped. Here a
failed connection is retried for everything but a post; a post is looked for instead."""

from __future__ import annotations

import logging
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.settings import Settings

POSTS = ("/chat.postMessage",)


class NoRepostRetryHandler(ConnectionErrorRetryHandler):
    def __init__(self) -> None:
        super().__init__(
            max_retry_count=2,
            error_types=[URLError, ConnectionResetError, RemoteDisconnected, TimeoutError],
        )

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.endswith(POSTS):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def safe_retry_handlers(rate_limit_retries: int) -> list[RetryHandler]:
    """A 429 retried after its Retry-After; a failed connection retried unless it posted."""
    return [RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries), NoRepostRetryHandler()]


def web_client(
    settings: Settings, *, quiet: bool = False, rate_limit_retries: int = 2, timeout: int = 30
) -> WebClient:
    """Slack's Web API, or the one at SLACK_API_URL (GovSlack, or a stand-in in tests).
    `quiet`: failed attempts are not logged (for a caller that reports the failure once)."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url.rstrip("/") + "/" if settings.api_url else WebClient.BASE_URL,
        timeout=timeout,
        retry_handlers=safe_retry_handlers(rate_limit_retries=rate_limit_retries),
        logger=logging.Logger("regrights.slack_client", logging.CRITICAL) if quiet else None,
    )
