"""The Undo button on an announcement: retracts that event, for its recorder or an admin."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import UNDO_ACTION_ID, UndoTarget, undone_message
from bot.slack.delivery import after_ack, deliver, failures_reported, tell
from domain.services.answers import AgreementMoved
from domain.services.commands import Parsed, spec_named
from domain.services.grammar import Undo
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService

log = logging.getLogger("regrights.slack")


def register(app: App, service: RegRightsService, clock: Callable[[], datetime]) -> None:
    def undo(
        body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        target = UndoTarget.from_value(action["value"])
        caller = Caller(
            user=body["user"]["id"], channel=body["channel"]["id"], source="slack", now=clock()
        )
        with failures_reported(respond):
            if _bound_agreement(service, caller.channel) != target.agreement_id:
                tell(respond, _moved(target))
                return
            reply = service.execute(Parsed(spec_named("undo"), Undo(seq=target.seq)), caller)
            announcement = body["message"]
            if reply.ok:
                _mark_undone(client, caller.channel, announcement, caller.user, reply.recorded_seq)
            deliver(
                reply,
                user=caller.user,
                channel=caller.channel,
                respond=respond,
                client=client,
                thread_ts=announcement.get("thread_ts") or announcement["ts"],
            )

    def acknowledge(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
    ) -> None:
        ack()
        after_ack(app, undo, body, action, respond, client)

    app.action(UNDO_ACTION_ID)(acknowledge)


def _mark_undone(
    client: WebClient, channel: str, announcement: dict[str, Any], user: str, seq: int | None
) -> None:
    try:
        client.chat_update(
            channel=channel, ts=announcement["ts"], **undone_message(announcement, user, seq)
        )
    except SlackApiError as exc:
        log.warning("could not mark %s in %s undone: %s", announcement["ts"], channel, exc)


def _bound_agreement(service: RegRightsService, channel: str) -> int | None:
    with service.uow.read() as store:
        binding = store.binding(channel)
        return binding.agreement_id if binding else None


def _moved(target: UndoTarget) -> Reply:
    return Reply.refused(AgreementMoved(target.seq), "the channel is bound to another agreement")
