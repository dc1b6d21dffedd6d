"""The slash command (`/regrights`, renamed by REGRIGHTS_COMMAND): every command of SPEC §3.

Questions are answered in the ack: straight away when the service has the answer ready (see
`RegRightsService.answer_at_once`), else if it is ready within QUICK_ANSWER_SECONDS. Writes ack
at once and answer after."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack.blocks import KeptMessages, private_message
from bot.slack.conversations import NOT_HERE, is_direct
from bot.slack.delivery import FAILED, after_ack, deliver, failures_reported, tell
from bot.slack.listeners.forms import open_record_form
from bot.slack.mentions import unresolved_mention
from bot.slack.notices import asks_for_notice, send_notice
from bot.slack.timeline_upload import asks_for_timeline, not_shared, share_timeline
from domain.services.commands import only_reads, read_command
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService, unbound

log = logging.getLogger("regrights.slack")


# A question is answered in the ack itself when it is ready this soon (it takes a millisecond
# or two); otherwise the ack goes out empty and the answer follows through response_url.
QUICK_ANSWER_SECONDS = 0.5
RECORD_WORD = "record"  # `/regrights record` opens the form (SPEC §9); Slack's alone


def register(
    app: App,
    service: RegRightsService,
    name: str,
    clock: Callable[[], datetime],
    templates: Path | None = None,
) -> None:
    questions = ThreadPoolExecutor(max_workers=8, thread_name_prefix="regrights-question")
    kept = KeptMessages()

    def caller_of(command: dict[str, Any]) -> Caller:
        return Caller(
            user=command["user_id"], channel=command["channel_id"], source="slack", now=clock()
        )

    def answer(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        caller = caller_of(command)
        with failures_reported(respond):
            reply = service.handle(command.get("text") or "", caller)
            deliver(reply, user=caller.user, channel=caller.channel, respond=respond, client=client)

    def timeline(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        caller = caller_of(command)
        with failures_reported(respond):
            shared = share_timeline(service.uow, client, caller, f"asked for by <@{caller.user}>")
            if shared is None:
                tell(respond, unbound(caller))
            elif shared.error is not None:
                tell(respond, not_shared(shared))

    def acknowledge(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = command.get("text") or ""
        asked = read_command(text)
        if is_direct(command) and (text.strip().lower() == RECORD_WORD or not only_reads(asked)):
            ack(response_type="ephemeral", text=NOT_HERE)
            return
        unresolved = unresolved_mention(text)
        if unresolved is not None:
            ack(response_type="ephemeral", **private_message(unresolved))
            return
        if text.strip().lower() == RECORD_WORD:
            not_opened = open_record_form(service, client, command, clock())
            if not_opened is None:
                ack()
            else:
                ack(response_type="ephemeral", text=not_opened)
            return
        if asks_for_notice(asked):
            ack()
            after_ack(app, draft_notice, text, command, respond, client)
            return
        if asks_for_timeline(asked):
            ack(response_type="ephemeral", text="Drawing the timeline…")
            after_ack(app, timeline, command, respond, client)
            return
        at_once = service.answer_at_once(asked, caller_of(command))
        if at_once is not None:
            ack(response_type="ephemeral", **kept.private(at_once))
            return
        if not only_reads(asked):
            ack()
            after_ack(app, answer, command, respond, client)
            return
        pending = questions.submit(service.handle, text, caller_of(command))
        try:
            reply = pending.result(timeout=QUICK_ANSWER_SECONDS)
        except FuturesTimeout:
            ack()
            pending.add_done_callback(lambda done: answer_later(done, respond))
            return
        except Exception:
            log.exception("a question failed")
            reply = FAILED
        ack(response_type="ephemeral", **private_message(reply))

    def draft_notice(text: str, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        with failures_reported(respond):
            send_notice(service, text, caller_of(command), respond, client, templates)

    def answer_later(done: Future[Reply], respond: Respond) -> None:
        with failures_reported(respond):
            tell(respond, done.result())

    app.command(name)(acknowledge)
