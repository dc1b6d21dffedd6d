"""Events: opening the App Home tab publishes the user's agreements and their clocks."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.home import home_view
from bot.slack.middleware import deps_of

log = logging.getLogger("regrights.slack")


def acknowledge(ack: Ack) -> None:
    ack()


def publish_home(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """The lazy listener: the Home tab, published once it is open."""
    if event.get("tab") != "home":
        return
    deps = deps_of(context)
    now = deps.clock()
    try:
        view = home_view(deps.service.overview(event["user"], now), now)
        client.views_publish(user_id=event["user"], view=view)
    except Exception:
        log.exception("could not publish the Home tab of %s", event.get("user"))
