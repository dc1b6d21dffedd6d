"""`/regrights timeline`: the picture drawn and shared in the channel with files.uploadV2."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain.services.answers import NotShared
from domain.services.replies import Reply
from domain.services.service import Caller
from domain.services.timeline_view import channel_timeline
from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.slack")

ALT_TEXT_LIMIT = 1000


@dataclass(frozen=True)
class Shared:
    """How sharing went: `file_id` when the picture is in the channel, else `error`."""

    file_id: str | None = None
    error: str | None = None


def share_timeline(uow: UnitOfWork, client: WebClient, caller: Caller, how: str) -> Shared | None:
    """Draw the timeline of the agreement bound to the caller's channel and share it there,
    `how` saying who asked for it; None when the channel is bound to no agreement."""
    from bot.outputs.timeline_png import alt_text, timeline_png

    view = channel_timeline(uow, caller)
    if view is None:
        return None
    as_of = view.timeline.as_of.isoformat()
    try:
        response = client.files_upload_v2(
            channel=caller.channel,
            content=timeline_png(view),
            filename=f"{view.agreement}-timeline-{as_of}.png",
            title=f"Timeline of {view.agreement} as of {as_of}",
            alt_txt=_clip(alt_text(view), ALT_TEXT_LIMIT),
            initial_comment=f"Timeline of *{view.title}* as of {as_of}, {how}.",
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        log.warning("could not share the timeline in %s: %s", caller.channel, error)
        return Shared(error=error)
    return Shared(file_id=str(response["file"]["id"]))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def not_shared(shared: Shared) -> Reply:
    error = str(shared.error)
    return Reply.refused(NotShared(error), f"Slack would not take the picture: {error}")
