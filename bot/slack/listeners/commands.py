"""The slash command (`/regrights`, renamed by REGRIGHTS_COMMAND): every command of SPEC §3.

The text is read once (by the middleware). Two listeners, one per branch: a question is
answered in its ack; a write is stored before its ack, which carries its result ("Recorded #N")
or says that nothing was recorded, and its announcement in the channel follows in Bolt's lazy
listener (`follow_up`), as do the drafts and uploads that take longer than Slack's 3 seconds.
Only the second listener has lazy work, so a question costs no copy of its request."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.announcements import Owed
from bot.slack.blocks import private_message
from bot.slack.listeners.forms import open_record_form
from bot.slack.middleware import asked_of, deps_of
from bot.slack.notices import send_notice
from bot.slack.tell import ALREADY_RECORDED, not_recorded, tell, went_wrong
from bot.slack.timeline_upload import not_shared, share_timeline
from domain.services.commands import Parsed, only_reads
from domain.services.grammar import NoticeRequest, TimelineRequest, UsageError
from domain.services.identifiers import caller_refusal
from domain.services.replies import Reply
from domain.services.service import unbound
from domain.store.agreement_store import AgreementStore
from domain.store.delivery_keys import AlreadyDelivered
from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.slack")

RECORD_WORD = "record"  # `/regrights record` opens the form (SPEC §9); Slack's alone
FOLLOW_UP = "follow_up"  # the context key by which the ack hands work to the lazy listener
NOT_HERE = (
    "Refused: I can neither post nor read in a direct message or a group DM, so agreements "
    "are set up and events recorded in a channel. Invite me to the deal's channel "
    "(`/invite @regrights`) and use `/regrights` there. Nothing was recorded."
)
# Slack resolves `@name` to `<@U…|name>` (`<@W…>` on Enterprise Grid) only when it matches a
# member; otherwise the plain text arrives, and a role granted to "jane" would go to no one.
_NAMES_A_USER = {"grant", "revoke"}
_RESOLVED = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


@dataclass(frozen=True)
class FollowUp:
    """What is left to do after the ack: post an owed announcement (telling the asker if Slack
    refuses it), draft a notice, or share the timeline."""

    user: str
    channel: str
    owed: Owed | None = None
    notice: str | None = None  # the command text of a notice to draft
    timeline: bool = False


def answered_in_ack(command: dict[str, Any], context: BoltContext) -> bool:
    """The listener matcher of the first branch: a question, or text that is no command."""
    asked = asked_of(context)
    if isinstance(asked, UsageError):
        return (command.get("text") or "").strip().lower() != RECORD_WORD
    return only_reads(asked) and not isinstance(asked.command, NoticeRequest | TimelineRequest)


def answer_question(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    deps, asked = deps_of(context), asked_of(context)
    user, channel = command["user_id"], command["channel_id"]
    reply = caller_refusal(user, channel) or _unresolved_mention(command.get("text") or "")
    if reply is None and isinstance(asked, UsageError):
        reply = Reply.malformed(asked.message, asked.usage)
    try:
        if reply is None:
            assert isinstance(asked, Parsed)
            reply = deps.service.execute(asked, deps.caller(user, channel))
    except Exception as exc:
        ack(response_type="ephemeral", text=went_wrong(exc, "a question"))
        return
    ack(response_type="ephemeral", **private_message(reply))


def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """The second branch: writes, the record form, notices and the timeline."""
    deps, asked = deps_of(context), asked_of(context)
    text = command.get("text") or ""
    user, channel = command["user_id"], command["channel_id"]
    name = asked.spec.name if isinstance(asked, Parsed) else RECORD_WORD
    if _is_direct(command):
        log.info("refused %s from %s in %s: a direct message", name, user, channel)
        ack(response_type="ephemeral", text=NOT_HERE)
        return
    refusal = caller_refusal(user, channel) or _unresolved_mention(text)
    if refusal is not None:
        log.info("refused %s from %s in %s: %s", name, user, channel, refusal.data.get("error"))
        ack(response_type="ephemeral", **private_message(refusal))
        return
    if not isinstance(asked, Parsed):  # `record`: no command, Slack's word for the form
        not_opened = open_record_form(deps.service, client, command, deps.clock())
        if not_opened:
            ack(response_type="ephemeral", text=not_opened)
        else:
            ack()
    elif isinstance(asked.command, NoticeRequest):
        ack()
        context[FOLLOW_UP] = FollowUp(user, channel, notice=text)
    elif isinstance(asked.command, TimelineRequest):
        ack(response_type="ephemeral", text="Drawing the timeline…")
        context[FOLLOW_UP] = FollowUp(user, channel, timeline=True)
    else:
        owed: list[Owed | None] = []

        def owe(store: AgreementStore, reply: Reply) -> None:
            deps.claim(store, context)
            owed.append(deps.announcements.owe(store, reply, user, channel, thread_ts=None))

        try:
            reply = deps.service.execute(asked, deps.caller(user, channel), before_commit=owe)
            if reply.ok and not owed:  # `setup` commits by itself; the rest just after
                _owe_after(deps.service.uow, owe, reply)
        except AlreadyDelivered:
            ack(response_type="ephemeral", text=ALREADY_RECORDED)
            return
        except Exception as exc:
            ack(response_type="ephemeral", text=not_recorded(exc))
            return
        ack(response_type="ephemeral", **private_message(reply))
        if owed and owed[0] is not None:
            context[FOLLOW_UP] = FollowUp(user, channel, owed=owed[0])


def _owe_after(uow: UnitOfWork, owe: Callable[[AgreementStore, Reply], None], reply: Reply) -> None:
    """`owe` in a transaction of its own, for a write that committed by itself (`setup`). Its
    announcement failing to be stored does not unsay the write; a second delivery does."""
    try:
        with uow.write() as store:
            owe(store, reply)
    except AlreadyDelivered:
        raise
    except Exception:
        log.exception("the announcement of a setup could not be stored")


def _is_direct(command: dict[str, Any]) -> bool:
    """A DM (`D…`, named "directmessage") or a group DM (named "mpdm-…"): no place for an
    agreement, since the bot can neither post nor read there."""
    channel_id = str(command.get("channel_id") or "")
    name = str(command.get("channel_name") or "")
    return channel_id.startswith("D") or name == "directmessage" or name.startswith("mpdm-")


def _unresolved_mention(text: str) -> Reply | None:
    """The reply for a `grant`/`revoke` whose user is not a resolved mention; else None."""
    words = text.split()
    if len(words) < 2 or words[0].lower() not in _NAMES_A_USER or _RESOLVED.fullmatch(words[1]):
        return None
    return Reply.malformed(
        f"`{words[1][:40]}` is not a Slack user Slack recognised: type @ and pick the person "
        "from the list Slack offers, so that the name turns into a link before you send",
        f"{words[0].lower()} <@user>" + (" editor|admin" if words[0].lower() == "grant" else ""),
    )


def follow_up(context: BoltContext, client: WebClient, respond: Respond) -> None:
    """The lazy listener: what the ack left to do, if anything."""
    work = context.get(FOLLOW_UP)
    if not isinstance(work, FollowUp):
        return
    deps = deps_of(context)
    caller = deps.caller(work.user, work.channel)
    try:
        if work.owed is not None:
            deps.announcements.post_owed(work.owed.agreement_id, work.owed.row_id)
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
    except Exception as exc:
        said = went_wrong(exc, "a Slack request, after its ack,")
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=f"{said} (after I answered; check `history`)",
        )
