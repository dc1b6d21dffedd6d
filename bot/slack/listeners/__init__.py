"""Every listener of the Slack app, registered from here: the slash command, the Undo button,
the App Home event and the forms. Each acks at once and does its work afterwards (`delivery.after_ack`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.settings import Settings
from bot.slack.listeners import actions, commands, events, forms
from domain.services.service import RegRightsService


def register_listeners(
    app: App, service: RegRightsService, settings: Settings, clock: Callable[[], datetime]
) -> None:
    commands.register(app, service, settings.command, clock, settings.notice_templates)
    actions.register(app, service, clock)
    events.register(app, service, clock)
    forms.register(app, service, clock)
