"""The App Home buttons beside each agreement: post its timeline in its channel, and show an
admin its calendar link in a modal only they see. Both ack at once and work lazily."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.answers import render
from bot.slack.counsel_blocks import notice_modal
from bot.slack.markup import MRKDWN
from bot.slack.middleware import Deps, deps_of
from bot.slack.timeline_upload import not_shared, share_timeline
from domain.services.agreement import READER
from domain.services.service import Caller

log = logging.getLogger("regrights.slack")


def acknowledge(ack: Ack) -> None:
    ack()


def post_timeline(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    deps, user = deps_of(context), body["user"]["id"]
    try:
        caller = _in_its_channel(deps, user, action["value"])
        if isinstance(caller, str):
            _show(client, body, "Timeline", caller)
            return
        how = f"asked for by <@{user}> from the App Home"
        shared = share_timeline(deps.service.uow, client, caller, how)
        if shared is not None and shared.error is not None:
            _show(client, body, "Timeline", render(not_shared(shared).answer, MRKDWN))
    except Exception:
        log.exception("the Home tab's timeline failed")


def show_calendar_link(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    deps = deps_of(context)
    try:
        caller = _in_its_channel(deps, body["user"]["id"], action["value"])
        if isinstance(caller, str):
            _show(client, body, "Calendar link", caller)
            return
        reply = deps.service.handle("calendar link", caller)
        _show(client, body, "Calendar link", render(reply.answer, MRKDWN))
    except Exception:
        log.exception("the Home tab's calendar link failed")


def _in_its_channel(deps: Deps, user: str, profile_id: str) -> Caller | str:
    """The clicker, placed in the agreement's first channel; else why they cannot be."""
    service = deps.service
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
    return deps.caller(user, channels[0])


def _show(client: WebClient, body: dict[str, Any], title: str, text: str) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=notice_modal(title, text))
    except SlackApiError as exc:
        log.warning("could not open a modal for %s: %s", body["user"]["id"], exc)
