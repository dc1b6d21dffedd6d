"""How an answer reaches Slack: an empty ack at once, then the announcement in the channel and
the rest to the asker alone."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.answers import render
from bot.slack.blocks import announcement_message, private_message
from bot.slack.markup import MRKDWN
from domain.services.answers import Failed
from domain.services.replies import EXIT_REFUSED, Reply

log = logging.getLogger("regrights.slack")
P = ParamSpec("P")

FAILED = Reply(
    ok=False,
    answer=Failed(),
    data={"ok": False, "error": "internal error", "section": None},
    exit_code=EXIT_REFUSED,
)


def after_ack(app: App, work: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None:
    """Called by a listener once it has acked (an empty 200): the work runs in Bolt's thread
    pool, over HTTP only once the ack is written (see `executor`). Unlike Bolt's lazy
    listeners, nothing is copied or dispatched again for it."""

    def run() -> None:
        try:
            work(*args, **kwargs)
        except Exception:
            log.exception("a Slack request failed after its ack")

    app.listener_runner.listener_executor.submit(run)


@contextmanager
def failures_reported(respond: Respond | None) -> Iterator[None]:
    """Work done after the ack that fails is logged, and the asker (if any) is told."""
    try:
        yield
    except Exception:
        log.exception("a Slack request failed after its ack")
        if respond is not None:
            tell(respond, FAILED)


def deliver(
    reply: Reply,
    *,
    user: str,
    channel: str,
    respond: Respond,
    client: WebClient,
    thread_ts: str | None = None,
) -> None:
    """Announce a recorded event in the channel (rendered for the channel: never a delay's
    reason), then answer the asker ephemerally unless the announcement said it all."""
    note = None
    if reply.ok and reply.announce:
        try:
            client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                **announcement_message(reply, user),
            )
        except SlackApiError as exc:
            error = exc.response.get("error")
            log.warning("could not announce in %s: %s", channel, error)
            note = (
                f"Recorded, but I could not announce it in this channel ({error}). "
                "Invite me to the channel so that everyone sees what is recorded."
            )
        else:
            if render(reply.answer, MRKDWN) == render(reply.answer, MRKDWN, to_channel=True):
                return
    tell(respond, reply, note)


def tell(respond: Respond, reply: Reply, note: str | None = None) -> None:
    """An ephemeral answer through the request's response_url."""
    sent = respond(
        response_type="ephemeral", replace_original=False, **private_message(reply, note)
    )
    if sent.status_code != 200:
        log.warning("response_url answered %s: %s", sent.status_code, sent.body)
