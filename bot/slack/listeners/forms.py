"""The forms (SPEC §9): `/regrights record`, the global shortcut and the App Home buttons open
them; a submission runs the same command through the same service as the typed one.

A modal opens with the request's trigger_id, which Slack honours for 3 seconds, so views.open
is called in the listener itself, before the ack. A submission is answered in its ack, which
is the only place a refusal can be shown beside the field (`response_action: errors`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.answers import render
from bot.slack.blocks import private_message
from bot.slack.delay_check_form import (
    DELAY_CHECK_FORM,
    answer_view,
    delay_check_view,
    read_delay_check,
)
from bot.slack.delivery import after_ack, announce, said_it_all
from bot.slack.form_parts import DAYS, FormError, View
from bot.slack.home import OPEN_DELAY_CHECK_ACTION, OPEN_RECORD_ACTION
from bot.slack.markup import MRKDWN
from bot.slack.record_form import (
    EVENT,
    REASON,
    RECORD_FORM,
    nothing_to_record_view,
    read_submission,
    record_view,
    refusal_errors,
)
from domain.services.forms import FormAgreement, agreement_in, agreements_of
from domain.services.grammar import UsageError
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService, unbound

log = logging.getLogger("regrights.slack")

FAILED_ERROR = "Something went wrong on my side; nothing was recorded. Try again in a moment."


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
    error = open_view(client, command["trigger_id"], record_view([agreement], agreement))
    if error is None:
        return None
    return f"The form did not open ({error}). Try again, or type the command: `help` lists them."


def register(app: App, service: RegRightsService, clock: Callable[[], datetime]) -> None:
    def choices_view(user: str, make: Callable[[list[FormAgreement]], View]) -> View:
        choices = agreements_of(service, user, clock())
        return make(choices) if choices else nothing_to_record_view()

    def from_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        open_view(client, shortcut["trigger_id"], choices_view(shortcut["user"]["id"], record_view))
        ack()

    def from_home(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        make = record_view if action["action_id"] == OPEN_RECORD_ACTION else delay_check_view
        open_view(client, body["trigger_id"], choices_view(body["user"]["id"], make))
        ack()

    def submit_record(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        user = body["user"]["id"]
        try:
            submission = read_submission(view)
        except FormError as error:
            ack(response_action="errors", errors=error.errors())
            return
        caller = Caller(user=user, channel=submission.channel, source="slack", now=clock())
        try:
            reply = service.execute(submission.parsed, caller)
        except UsageError as exc:  # a reason this agreement's profile does not know
            ack(response_action="errors", errors=FormError(REASON, exc.message).errors())
            return
        except Exception:
            log.exception("a form submission failed")
            ack(response_action="errors", errors=FormError(EVENT, FAILED_ERROR).errors())
            return
        if not reply.ok:
            ack(response_action="errors", errors=refusal_errors(reply, submission.command))
            return
        ack()
        after_ack(app, tell_channel_and_user, reply, caller, client)

    def submit_delay_check(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            channel, question = read_delay_check(view)
        except FormError as error:
            ack(response_action="errors", errors=error.errors())
            return
        caller = Caller(user=body["user"]["id"], channel=channel, source="slack", now=clock())
        try:
            reply = service.execute(question, caller)
        except Exception:
            log.exception("a delay check from the form failed")
            ack(response_action="errors", errors=FormError(DAYS, FAILED_ERROR).errors())
            return
        ack(response_action="update", view=answer_view(render(reply.answer, MRKDWN)))

    app.shortcut(RECORD_FORM)(from_shortcut)
    app.action(OPEN_RECORD_ACTION)(from_home)
    app.action(OPEN_DELAY_CHECK_ACTION)(from_home)
    app.view_submission(RECORD_FORM)(submit_record)
    app.view_submission(DELAY_CHECK_FORM)(submit_delay_check)


def tell_channel_and_user(reply: Reply, caller: Caller, client: WebClient) -> None:
    """The same announcement as the typed command; the rest (a delay's reason, a note) to the
    user alone, ephemerally in the channel, as a form has no response_url."""
    note = announce(reply, user=caller.user, channel=caller.channel, client=client)
    if note is None and said_it_all(reply):
        return
    try:
        client.chat_postEphemeral(
            channel=caller.channel, user=caller.user, **private_message(reply, note)
        )
    except SlackApiError as exc:
        log.warning("could not tell %s in %s: %s", caller.user, caller.channel, exc)
