"""The App Home buttons beside each agreement: post its timeline in its channel, and show an
admin its calendar link in a modal only they see."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.answers import render
from bot.slack.counsel_blocks import HOME_CALENDAR_ACTION_ID, HOME_TIMELINE_ACTION_ID, notice_modal
from bot.slack.delivery import after_ack, failures_reported
from bot.slack.markup import MRKDWN
from bot.slack.timeline_upload import not_shared, share_timeline
from domain.services.agreement import READER
from domain.services.service import Caller, RegRightsService

log = logging.getLogger("regrights.slack")


def register(app: App, service: RegRightsService, clock: Callable[[], datetime]) -> None:
    def in_its_channel(user: str, profile_id: str) -> Caller | str:
        """The clicker, placed in the agreement's first channel; else why they cannot be."""
        with service.uow.read() as store:
            row = store.agreement_for_profile(profile_id)
            if row is None or row.id is None:
                return f"There is no agreement `{profile_id}` any more."
            role = service.role_of(store, row.id, user)
            channels = store.channels_of(row.id)
        if role == READER:
            return f"You hold no role on `{profile_id}`."
        if not channels:
            return f"`{profile_id}` is bound to no channel: an admin can bind one with `setup`."
        return Caller(user=user, channel=channels[0], source="slack", now=clock())

    def timeline(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        with failures_reported(None):
            caller = in_its_channel(user, action["value"])
            if isinstance(caller, str):
                _show(client, body, "Timeline", caller)
                return
            how = f"asked for by <@{user}> from the App Home"
            shared = share_timeline(service.uow, client, caller, how)
            if shared is not None and shared.error is not None:
                _show(client, body, "Timeline", render(not_shared(shared).answer, MRKDWN))

    def calendar_link(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        with failures_reported(None):
            caller = in_its_channel(body["user"]["id"], action["value"])
            if isinstance(caller, str):
                _show(client, body, "Calendar link", caller)
                return
            reply = service.handle("calendar link", caller)
            _show(client, body, "Calendar link", render(reply.answer, MRKDWN))

    def on_timeline(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        after_ack(app, timeline, body, action, client)

    def on_calendar(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        after_ack(app, calendar_link, body, action, client)

    app.action(HOME_TIMELINE_ACTION_ID)(on_timeline)
    app.action(HOME_CALENDAR_ACTION_ID)(on_calendar)


def _show(client: WebClient, body: dict[str, Any], title: str, text: str) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=notice_modal(title, text))
    except SlackApiError as exc:
        log.warning("could not open a modal for %s: %s", body["user"]["id"], exc)
