"""The forms (SPEC §9): `/regrights record`, the global shortcut and the App Home buttons open
them; a submission runs the same command through the same service as the typed one.

A modal opens with the request's trigger_id, which Slack honours for 3 seconds, so views.open
is called in the listener itself, before the ack. A submission is answered in its ack, which
is the only place a refusal can be shown beside the field (`response_action: errors`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.answers import render
from bot.slack.announcements import Owed
from bot.slack.blocks import private_message
from bot.slack.delay_check_form import (
    answer_view,
    delay_check_view,
    read_delay_check,
)
from bot.slack.form_parts import AGREEMENT, DAYS, FormError, View
from bot.slack.home import OPEN_RECORD_ACTION, home_view
from bot.slack.markup import MRKDWN
from bot.slack.membership import is_member
from bot.slack.middleware import Deps, deps_of
from bot.slack.record_form import (
    EVENT,
    REASON,
    nothing_to_record_view,
    read_submission,
    record_view,
    refusal_errors,
)
from bot.slack.tell import ALREADY_RECORDED, not_recorded, went_wrong
from domain.services.forms import FormAgreement, agreement_in, agreements_of
from domain.services.grammar import UsageError
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService, unbound
from domain.store.agreement_store import AgreementStore
from domain.store.delivery_keys import AlreadyDelivered

log = logging.getLogger("regrights.slack")

NO_ROLE_HERE = (
    "Only an editor or an admin may record events in this channel. An admin can make you an "
    "editor with `/regrights grant @you editor`. Nothing was recorded."
)
NOT_A_MEMBER = (
    "You are not a member of that agreement's channel, so this form cannot act for it. "
    "Join the channel first. Nothing was recorded."
)
FORM_FOLLOW_UP = (
    "form_follow_up"  # the context key by which the ack hands work to the lazy listener
)


def open_view(client: WebClient, trigger_id: str, view: View) -> str | None:
    """Open a modal; None when it opened, else Slack's error (say, expired_trigger_id)."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        log.warning("could not open a form: %s", error)
        return error
    return None


def open_record_form(
    service: RegRightsService, client: WebClient, command: dict[str, Any], now: datetime
) -> str | None:
    """`/regrights record` in a channel: None once the form is open, else what to tell."""
    user, channel = command["user_id"], command["channel_id"]
    agreement = agreement_in(service, channel, user, now)
    if agreement is None:
        return render(unbound(Caller(user, channel, "slack", now)).answer, MRKDWN)
    if not agreement.insider:  # told at once, as the shortcut tells it (SPEC §14)
        log.info("refused record from %s in %s: no role to record events", user, channel)
        return NO_ROLE_HERE
    error = open_view(client, command["trigger_id"], record_view([agreement], agreement))
    if error is None:
        return None
    return f"The form did not open ({error}). Try again, or type the command: `help` lists them."


def from_shortcut(
    ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    view = _choices_view(deps_of(context), shortcut["user"]["id"], record_view)
    open_view(client, shortcut["trigger_id"], view)
    ack()


def from_home(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    deps, user = deps_of(context), body["user"]["id"]
    make = record_view if action["action_id"] == OPEN_RECORD_ACTION else delay_check_view
    error = open_view(client, body["trigger_id"], _choices_view(deps, user, make))
    ack()
    if error is not None:  # a button on the Home tab has no reply but the tab itself
        now = deps.clock()
        notice = f"The form did not open ({error}). Try again in a moment, or type the command."
        try:
            client.views_publish(
                user_id=user, view=home_view(deps.service.overview(user, now), now, notice)
            )
        except Exception:
            log.exception("could not tell %s that the form did not open", user)


def _choices_view(deps: Deps, user: str, make: Callable[[list[FormAgreement]], View]) -> View:
    choices = agreements_of(deps.service, user, deps.clock())
    return make(choices) if choices else nothing_to_record_view()


@dataclass(frozen=True)
class FormRecorded:
    """After a submission's ack: its announcement, then the rest to the user alone."""

    user: str
    channel: str
    owed: Owed | None
    private: dict[str, Any] | None  # None when the announcement says it all


def submit_record(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    deps = deps_of(context)
    try:
        submission = read_submission(view)
    except FormError as error:
        ack(response_action="errors", errors=error.errors())
        return
    user, channel = body["user"]["id"], submission.channel
    if not is_member(client, channel, user):
        log.info("refused a form from %s for %s: not a member of that channel", user, channel)
        ack(response_action="errors", errors=FormError(_chosen(view), NOT_A_MEMBER).errors())
        return
    owed: list[Owed | None] = []

    def owe(store: AgreementStore, reply: Reply) -> None:
        deps.claim(store, context)
        owed.append(deps.announcements.owe(store, reply, user, channel, thread_ts=None))

    try:
        reply = deps.service.execute(submission.parsed, deps.caller(user, channel), owe)
    except AlreadyDelivered:
        ack(response_action="errors", errors=FormError(EVENT, ALREADY_RECORDED).errors())
        return
    except UsageError as exc:  # a reason this agreement's profile does not know
        ack(response_action="errors", errors=FormError(REASON, exc.message).errors())
        return
    except Exception as exc:
        ack(response_action="errors", errors=FormError(EVENT, not_recorded(exc)).errors())
        return
    if not reply.ok:
        ack(response_action="errors", errors=refusal_errors(reply, submission.command))
        return
    ack()
    private = None if said_it_all(reply) else dict(private_message(reply))
    context[FORM_FOLLOW_UP] = FormRecorded(user, channel, owed[0] if owed else None, private)


def after_submission(context: BoltContext, client: WebClient) -> None:
    """The same announcement as the typed command; the rest (a delay's reason, a note) to the
    user alone, ephemerally in the channel, as a form has no response_url."""
    work = context.get(FORM_FOLLOW_UP)
    if not isinstance(work, FormRecorded):
        return
    deps = deps_of(context)
    private = work.private
    if work.owed is not None:
        deps.announcements.post_owed(work.owed.agreement_id, work.owed.row_id)
        error = deps.announcements.refusal(work.owed)
        if error is not None:
            private = dict(private or {"text": "Recorded."})
            private["text"] += f" I could not announce it in this channel ({error})."
    if private is None:
        return
    try:
        client.chat_postEphemeral(channel=work.channel, user=work.user, **private)
    except SlackApiError as exc:
        log.warning("could not tell %s in %s: %s", work.user, work.channel, exc)


def submit_delay_check(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    deps = deps_of(context)
    try:
        channel, question = read_delay_check(view)
    except FormError as error:
        ack(response_action="errors", errors=error.errors())
        return
    if not is_member(client, channel, body["user"]["id"]):
        log.info("refused a delay check from %s for %s: not a member", body["user"]["id"], channel)
        ack(response_action="errors", errors=FormError(_chosen(view), NOT_A_MEMBER).errors())
        return
    try:
        reply = deps.service.execute(question, deps.caller(body["user"]["id"], channel))
    except Exception as exc:
        said = went_wrong(exc, "a delay check from the form")
        ack(response_action="errors", errors=FormError(DAYS, said).errors())
        return
    ack(response_action="update", view=answer_view(render(reply.answer, MRKDWN)))


def _chosen(view: dict[str, Any]) -> str:
    """The block that names the form's channel: the agreement chosen, else (a form opened in
    its channel) the event."""
    blocks = view.get("blocks") or []
    return AGREEMENT if any(b.get("block_id") == AGREEMENT for b in blocks) else EVENT


def said_it_all(reply: Reply) -> bool:
    """Whether the announcement tells the asker all the answer does (no reason, no more)."""
    return render(reply.answer, MRKDWN) == render(reply.answer, MRKDWN, to_channel=True)
