"""Answers to the asker alone: through the request's response_url, and the words for a write
that could not be stored, or was stored already."""

from __future__ import annotations

import logging

from slack_bolt import Respond

from bot.failures import describe
from bot.slack.blocks import private_message
from domain.services.replies import Reply

log = logging.getLogger("regrights.slack")

ALREADY_RECORDED = (
    "Already recorded: Slack delivered this request twice, and it was recorded once. "
    "`history` shows it."
)


def tell(respond: Respond, reply: Reply, note: str | None = None) -> None:
    """An ephemeral answer through the request's response_url."""
    sent = respond(
        response_type="ephemeral", replace_original=False, **private_message(reply, note)
    )
    if sent.status_code != 200:
        log.warning("response_url answered %s: %s", sent.status_code, sent.body)


def went_wrong(exc: Exception, what: str) -> str:
    """The answer to a request that raised: its cause in the words `cmd` uses (the database
    unavailable, its disk full, busy), or, for a bug, that it was ours. `what` names the request
    in the log."""
    failure = describe(exc)
    if failure is None:
        log.exception("%s failed", what)
        return "Something went wrong on my side. Try again in a moment."
    log.warning("%s failed: %s", what, failure.message)
    return f"Something went wrong: {failure.message}."


def not_recorded(exc: Exception) -> str:
    """The ack of a write that raised: its transaction was rolled back."""
    failure = describe(exc)
    if failure is None:
        log.exception("a write failed")
        return "Something went wrong on my side; nothing was recorded. Try again in a moment."
    log.warning("a write failed: %s", failure.message)
    return f"Nothing was recorded: {failure.message}."
