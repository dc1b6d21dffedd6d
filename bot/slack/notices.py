"""`/regrights notice …`: the draft goes to the asker alone, as a Word file in a direct message
from the bot (files.uploadV2), never to the channel; the asker is told ephemerally."""

from __future__ import annotations

import logging
from pathlib import Path

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.notices.render import notice_filename, render_notice
from bot.slack.delivery import tell
from domain.rules.violation import RuleViolation
from domain.services import answers
from domain.services.audit import NotBound
from domain.services.grammar import NoticeRequest, UsageError, parse
from domain.services.notice_replies import TITLES, not_sent, notice_refusal, notice_reply
from domain.services.notices import NoticeDesk
from domain.services.service import Caller, RegRightsService

log = logging.getLogger("regrights.slack")


def notice_request(text: str) -> NoticeRequest | None:
    """The notice `text` asks for; None for any other command (or malformed input)."""
    try:
        command = parse(text)
    except UsageError:
        return None
    return command if isinstance(command, NoticeRequest) else None


def send_notice(
    service: RegRightsService,
    request: NoticeRequest,
    caller: Caller,
    respond: Respond,
    client: WebClient,
    templates: Path | None,
) -> None:
    try:
        draft = NoticeDesk(service.uow).draft(request, caller)
    except NotBound:
        tell(respond, answers.unbound(caller))
        return
    except RuleViolation as violation:
        tell(respond, notice_refusal(request.kind.value, violation))
        return
    filename = notice_filename(draft)
    reply = notice_reply(draft, filename)
    try:
        # A direct message: the bot's own conversation with the asker (conversations.open).
        opened = client.conversations_open(users=caller.user)
        client.files_upload_v2(
            channel=opened["channel"]["id"],
            file=render_notice(draft, templates),
            filename=filename,
            title=TITLES[draft.kind.value],
            initial_comment=reply.text,
        )
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("could not send a notice to %s: %s", caller.user, error)
        tell(respond, not_sent(draft.kind.value, str(error)))
        return
    tell(respond, reply, "The draft is in your direct messages with me.")
