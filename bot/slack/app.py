"""The Bolt app: a Web API client from the settings, and every listener registered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack.event_retries import once_per_event
from bot.slack.executor import AfterAckExecutor
from bot.slack.listeners import register_listeners
from bot.slack.web_retries import safe_retry_handlers
from bot.wiring import utc_now
from domain.services.service import RegRightsService


def build_app(
    settings: Settings,
    service: RegRightsService,
    *,
    client: WebClient | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> App:
    # Not for FaaS: with process_before_response, each listener's ack (an empty 200) runs in
    # the thread that received the request, so it never queues behind slow work in Bolt's
    # small thread pool. The work runs afterwards in that pool (`delivery.after_ack`) and
    # answers through response_url or the Web API: Slack's 3-second rule holds under load.
    # Over HTTP that work starts only once the ack is written (see `executor`).
    app = App(
        name="regrights",
        client=client or web_client(settings),
        signing_secret=settings.signing_secret,
        # Over HTTP the signature is checked before Bolt sees the request (`bot.http.app`),
        # and Socket Mode's requests carry none: Bolt's own check would only repeat it.
        request_verification_enabled=False,
        process_before_response=True,
        listener_executor=AfterAckExecutor(),
    )
    once_per_event(app)
    register_listeners(app, service, settings, clock)
    return app


def web_client(settings: Settings) -> WebClient:
    """Slack's Web API, or the one at SLACK_API_URL (GovSlack, or a stand-in in tests)."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url.rstrip("/") + "/" if settings.api_url else WebClient.BASE_URL,
        retry_handlers=safe_retry_handlers(rate_limit_retries=2),
    )
