"""`/regrights notice …`: the draft goes to the asker alone, as a Word file in a direct message
from the bot (files.uploadV2), never to the channel; the asker is told ephemerally."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.notices.render import notice_filename, render_notice
from bot.notices.reply import NOTICE_TITLES
from bot.render.answers import render
from bot.slack.markup import MRKDWN
from bot.slack.tell import tell
from domain.services.answers import NoticeDrafted, NoticeNotSent
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService

log = logging.getLogger("regrights.slack")


def send_notice(
    service: RegRightsService,
    text: str,
    caller: Caller,
    respond: Respond,
    client: WebClient,
    templates: Path | None,
) -> None:
    reply = service.handle(text, caller)
    if not isinstance(reply.answer, NoticeDrafted):
        tell(respond, reply)
        return
    draft = reply.answer.draft
    sent = replace(reply, answer=replace(reply.answer, filename=notice_filename(draft)))
    try:
        # A direct message: the bot's own conversation with the asker (conversations.open).
        opened = client.conversations_open(users=caller.user)
        client.files_upload_v2(
            channel=opened["channel"]["id"],
            file=render_notice(draft, templates),
            filename=notice_filename(draft),
            title=NOTICE_TITLES[draft.kind],
            initial_comment=render(sent.answer, MRKDWN),
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        log.warning("could not send a notice to %s: %s", caller.user, error)
        not_sent = NoticeNotSent(draft.kind, error)
        tell(respond, Reply.refused(not_sent, f"could not send the draft: {error}"))
        return
    tell(respond, sent, "The draft is in your direct messages with me.")
