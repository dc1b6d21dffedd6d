"""The slash command (`/regrights`, renamed by REGRIGHTS_COMMAND): every command of SPEC §3."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack.delivery import after_ack, deliver, failures_reported
from domain.service import Caller, RegRightsService


def register(app: App, service: RegRightsService, name: str, clock: Callable[[], datetime]) -> None:
    def answer(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        caller = Caller(
            user=command["user_id"], channel=command["channel_id"], source="slack", now=clock()
        )
        with failures_reported(respond):
            reply = service.handle(command.get("text") or "", caller)
            deliver(reply, user=caller.user, channel=caller.channel, respond=respond, client=client)

    def acknowledge(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        after_ack(app, answer, command, respond, client)

    app.command(name)(acknowledge)
