"""The Undo button on an announcement: retracts that event, for its recorder or an admin. The
retraction is stored before the ack; the button's removal, the announcement in the thread and
the clicker's answer follow in the lazy listener."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.announcements import Owed
from bot.slack.blocks import UndoTarget, private_message, undone_message
from bot.slack.middleware import Deps, deps_of
from bot.slack.tell import ALREADY_RECORDED, not_recorded
from domain.services.answers import AgreementMoved
from domain.services.commands import Parsed, spec_named
from domain.services.grammar import Undo
from domain.services.replies import Reply
from domain.store.agreement_store import AgreementStore
from domain.store.announcement_ledger import POSTED
from domain.store.delivery_keys import AlreadyDelivered

log = logging.getLogger("regrights.slack")

UNDO_FOLLOW_UP = "undo_follow_up"


MALFORMED_UNDO = (
    "I cannot read that Undo button, so nothing was undone. In the deal's channel, `history` "
    "shows what is recorded and `/regrights undo` retracts your latest event."
)


@dataclass(frozen=True)
class Undone:
    """What the lazy listener does after an Undo click's ack (plain data, copied by Bolt)."""

    answer: dict[str, Any]  # the clicker's message
    target: UndoTarget | None = None  # retracted: its announcement loses its button
    retraction_seq: int | None = None
    user: str = ""
    owed: Owed | None = None


def undo_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Only the button's value (which event) and where it was clicked are read from the
    payload: the message to update and the thread to answer in are the app's own records."""
    deps = deps_of(context)
    target, user, channel = _target(body), _user(body), _channel(body)
    if target is None or user is None or channel is None:
        log.info("refused undo from %s in %s: a button that cannot be read", user, channel)
        ack()
        context[UNDO_FOLLOW_UP] = Undone({"text": MALFORMED_UNDO})
        return
    if _bound_agreement(deps, channel) != target.agreement_id:
        reply = Reply.refused(
            AgreementMoved(target.seq), "the channel is bound to another agreement"
        )
        log.info("refused undo from %s in %s: %s", user, channel, reply.data["error"])
        ack()
        context[UNDO_FOLLOW_UP] = Undone(dict(private_message(reply)))
        return
    owed: list[Owed | None] = []

    def owe(store: AgreementStore, reply: Reply) -> None:
        deps.claim(store, context)
        found = store.announcements.of_event(target.agreement_id, target.seq)
        thread_ts = found.ts if found is not None and found.state == POSTED else None
        owed.append(deps.announcements.owe(store, reply, user, channel, thread_ts))

    try:
        reply = deps.service.execute(
            Parsed(spec_named("undo"), Undo(seq=target.seq)),
            deps.caller(user, channel),
            before_commit=owe,
        )
    except AlreadyDelivered:
        ack()
        context[UNDO_FOLLOW_UP] = Undone({"text": ALREADY_RECORDED})
        return
    except Exception as exc:
        ack()
        context[UNDO_FOLLOW_UP] = Undone({"text": not_recorded(exc)})
        return
    ack()
    context[UNDO_FOLLOW_UP] = Undone(
        dict(private_message(reply)),
        target if reply.ok else None,
        reply.recorded_seq,
        user,
        owed[0] if owed else None,
    )


def _target(body: dict[str, Any]) -> UndoTarget | None:
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else {}
    value = action.get("value") if isinstance(action, dict) else None
    try:
        return UndoTarget.from_value(value) if isinstance(value, str) else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _user(body: dict[str, Any]) -> str | None:
    user = (body.get("user") or {}).get("id")
    return user if isinstance(user, str) and user else None


def _channel(body: dict[str, Any]) -> str | None:
    channel = (body.get("channel") or {}).get("id")
    return channel if isinstance(channel, str) and channel else None


def after_undo(context: BoltContext, client: WebClient, respond: Respond) -> None:
    work = context.get(UNDO_FOLLOW_UP)
    if not isinstance(work, Undone):
        return
    deps = deps_of(context)
    try:
        if work.target is not None:
            _mark_undone(deps, client, work)
        if work.owed is not None:
            deps.announcements.post_owed(work.owed.agreement_id, work.owed.row_id)
    except Exception:
        log.exception("an undo's follow-up failed")
    try:
        respond(response_type="ephemeral", replace_original=False, **work.answer)
    except Exception:  # a payload without a response_url: no one to tell
        log.warning("could not answer the undo of %s: no response_url", work.user or "someone")


def _mark_undone(deps: Deps, client: WebClient, work: Undone) -> None:
    """The announcement of the retracted event, rebuilt from the app's own record of it."""
    assert work.target is not None
    found = deps.announcements.posted_as(work.target.agreement_id, work.target.seq)
    if found is None:
        log.info("no announcement of #%s is on record; none is updated", work.target.seq)
        return
    channel, ts, message = found
    try:
        client.chat_update(
            channel=channel, ts=ts, **undone_message(dict(message), work.user, work.retraction_seq)
        )
    except SlackApiError as exc:
        log.warning("could not mark %s in %s undone: %s", ts, channel, exc)


def _bound_agreement(deps: Deps, channel: str) -> int | None:
    with deps.service.uow.read() as store:
        binding = store.binding(channel)
        return binding.agreement_id if binding else None
