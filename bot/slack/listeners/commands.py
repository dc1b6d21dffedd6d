"""The slash command (`/regrights`, renamed by REGRIGHTS_COMMAND): every command of SPEC §3.

The text is read once. A question is answered in the ack. A write is stored before its ack,
which carries its result ("Recorded #N"), or says that nothing was recorded; its announcement
in the channel follows in Bolt's lazy listener (`follow_up`), as do the drafts and uploads
that take longer than Slack's three seconds."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.failures import describe
from bot.slack.announcements import Owed
from bot.slack.blocks import private_message
from bot.slack.conversations import NOT_HERE, is_direct
from bot.slack.deps import Deps, deps_of
from bot.slack.listeners.forms import open_record_form
from bot.slack.mentions import unresolved_mention
from bot.slack.notices import asks_for_notice, send_notice
from bot.slack.tell import not_recorded, tell
from bot.slack.timeline_upload import asks_for_timeline, not_shared, share_timeline
from domain.services.commands import Parsed, only_reads, read_command
from domain.services.grammar import UsageError
from domain.services.identifiers import caller_refusal
from domain.services.replies import Reply
from domain.services.service import unbound

log = logging.getLogger("regrights.slack")

RECORD_WORD = "record"  # `/regrights record` opens the form (SPEC §9); Slack's alone
FOLLOW_UP = "follow_up"  # the context key by which the ack hands work to the lazy listener


@dataclass(frozen=True)
class FollowUp:
    """What is left to do after the ack: post an owed announcement (telling the asker if Slack
    refuses it), draft a notice, or share the timeline."""

    user: str
    channel: str
    owed: Owed | None = None
    notice: str | None = None  # the command text of a notice to draft
    timeline: bool = False


def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    deps = deps_of(context)
    text = command.get("text") or ""
    user, channel = command["user_id"], command["channel_id"]
    asked = read_command(text)
    opens_form = text.strip().lower() == RECORD_WORD
    if is_direct(command) and (opens_form or not only_reads(asked)):
        ack(response_type="ephemeral", text=NOT_HERE)
        return
    refusal = caller_refusal(user, channel) or unresolved_mention(text)
    if refusal is not None:
        ack(response_type="ephemeral", **private_message(refusal))
        return
    if opens_form:
        not_opened = open_record_form(deps.service, client, command, deps.clock())
        ack(response_type="ephemeral", text=not_opened) if not_opened else ack()
        return
    if isinstance(asked, UsageError):
        ack(
            response_type="ephemeral",
            **private_message(Reply.malformed(asked.message, asked.usage)),
        )
    elif asks_for_notice(asked):
        ack()
        context[FOLLOW_UP] = FollowUp(user, channel, notice=text)
    elif asks_for_timeline(asked):
        ack(response_type="ephemeral", text="Drawing the timeline…")
        context[FOLLOW_UP] = FollowUp(user, channel, timeline=True)
    elif only_reads(asked):
        ack(response_type="ephemeral", **_answer(deps, asked, user, channel))
    else:
        owed: list[Owed | None] = []

        def owe(store: Any, reply: Reply) -> None:
            owed.append(deps.announcements.owe(store, reply, user, channel, thread_ts=None))

        try:
            reply = deps.service.execute(asked, deps.caller(user, channel), before_commit=owe)
        except Exception as exc:
            ack(response_type="ephemeral", text=not_recorded(exc))
            return
        if reply.ok and not owed:  # `setup` commits by itself; its announcement just after
            owed.append(deps.announcements.owe_after(reply, user, channel))
        ack(response_type="ephemeral", **private_message(reply))
        if owed and owed[0] is not None:
            context[FOLLOW_UP] = FollowUp(user, channel, owed=owed[0])


def _answer(deps: Deps, asked: Parsed, user: str, channel: str) -> dict[str, Any]:
    try:
        return dict(private_message(deps.service.execute(asked, deps.caller(user, channel))))
    except Exception as exc:
        failure = describe(exc)
        if failure is None:
            log.exception("a question failed")
            return {"text": "Something went wrong on my side. Try again in a moment."}
        log.warning("a question failed: %s", failure.message)
        return {"text": f"Something went wrong: {failure.message}."}


def follow_up(context: BoltContext, client: WebClient, respond: Respond) -> None:
    """The lazy listener: what the ack left to do, if anything."""
    work = context.get(FOLLOW_UP)
    if not isinstance(work, FollowUp):
        return
    deps = deps_of(context)
    caller = deps.caller(work.user, work.channel)
    try:
        if work.owed is not None:
            deps.announcements.post_owed(work.owed.agreement_id)
            error = deps.announcements.refusal(work.owed)
            if error is not None:
                respond(
                    response_type="ephemeral",
                    replace_original=False,
                    text=(
                        f"Recorded, but I could not announce it in this channel ({error}). "
                        "Invite me to the channel so that everyone sees what is recorded."
                    ),
                )
        elif work.notice is not None:
            send_notice(deps.service, work.notice, caller, respond, client, deps.templates)
        elif work.timeline:
            how = f"asked for by <@{caller.user}>"
            shared = share_timeline(deps.service.uow, client, caller, how)
            if shared is None:
                tell(respond, unbound(caller))
            elif shared.error is not None:
                tell(respond, not_shared(shared))
    except Exception:
        log.exception("a Slack request failed after its ack")
        respond(
            response_type="ephemeral",
            replace_original=False,
            text="Something went wrong on my side after I answered. Check `history`.",
        )
