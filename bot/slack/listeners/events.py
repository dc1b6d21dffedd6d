"""Events: opening the App Home tab publishes the user's agreements and their clocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.delivery import after_ack, failures_reported
from bot.slack.home import home_view
from domain.services.service import RegRightsService


def register(app: App, service: RegRightsService, clock: Callable[[], datetime]) -> None:
    def publish_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        now = clock()
        with failures_reported(None):
            view = home_view(service.overview(event["user"], now), now)
            client.views_publish(user_id=event["user"], view=view)

    def acknowledge(ack: Ack, event: dict[str, Any], client: WebClient) -> None:
        ack()
        after_ack(app, publish_home, event, client)

    app.event("app_home_opened")(acknowledge)
