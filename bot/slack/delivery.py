"""How an answer reaches Slack: an empty ack at once, then the announcement in the channel and
the rest to the asker alone."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.client import HTTPException
from typing import Any, ParamSpec

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render.answers import render
from bot.slack.blocks import announcement_key, announcement_message, private_message
from bot.slack.markup import MRKDWN
from domain.services.answers import Failed
from domain.services.replies import ExitCode, Reply

log = logging.getLogger("regrights.slack")
P = ParamSpec("P")

# How many of the latest messages to look through for an announcement whose post failed midway.
_LOOK_AT = 100
_CONNECTION_ERRORS = (OSError, HTTPException)
_UNCERTAIN = (SlackApiError, *_CONNECTION_ERRORS)

FAILED = Reply(
    ok=False,
    answer=Failed(),
    data={"ok": False, "error": "internal error", "section": None},
    exit_code=ExitCode.REFUSED,
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
        note = announce(reply, user=user, channel=channel, client=client, thread_ts=thread_ts)
        if note is None and said_it_all(reply):
            return
    tell(respond, reply, note)


def said_it_all(reply: Reply) -> bool:
    """Whether the announcement tells the asker all the answer does (no reason, no more)."""
    return render(reply.answer, MRKDWN) == render(reply.answer, MRKDWN, to_channel=True)


def announce(
    reply: Reply, *, user: str, channel: str, client: WebClient, thread_ts: str | None = None
) -> str | None:
    """Post the announcement once; None when it is in the channel, else a note for the asker."""
    message = announcement_message(reply, user)
    post = functools.partial(
        client.chat_postMessage,
        channel=channel,
        thread_ts=thread_ts,
        unfurl_links=False,
        unfurl_media=False,
        **message,
    )
    key = announcement_key(reply)
    try:
        try:
            post()
        except _UNCERTAIN as exc:
            # Slack may have stored the message before the connection (or its answer) failed.
            if not _uncertain(exc):
                raise
            log.warning("announcing in %s may have failed: %s; looking for it", channel, exc)
            if key is None or not _posted(client, channel, key, thread_ts):
                post()
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("could not announce in %s: %s", channel, error)
        return (
            f"Recorded, but I could not announce it in this channel ({error}). "
            "Invite me to the channel so that everyone sees what is recorded."
        )
    except _CONNECTION_ERRORS as exc:
        log.warning("could not announce in %s: %s", channel, exc)
        return "Recorded, but I could not reach Slack to announce it in this channel."
    return None


def _uncertain(exc: Exception) -> bool:
    """Whether a failed post may still have been stored: a dropped connection or a 5xx."""
    if isinstance(exc, SlackApiError):
        return bool(exc.response.status_code >= 500)
    return True


def _posted(client: WebClient, channel: str, key: str, thread_ts: str | None) -> bool:
    """Whether one of the latest messages in the channel (or the thread) begins with `key`.
    Only the latest are read: the post was a moment ago, whatever Slack's clock says."""
    if thread_ts is None:
        found = client.conversations_history(channel=channel, limit=_LOOK_AT)
    else:
        found = client.conversations_replies(channel=channel, ts=thread_ts, limit=_LOOK_AT)
    messages: list[dict[str, Any]] = found.get("messages") or []
    return any(
        block.get("block_id") == key
        for message in messages
        for block in message.get("blocks", [])[:1]
    )


def tell(respond: Respond, reply: Reply, note: str | None = None) -> None:
    """An ephemeral answer through the request's response_url."""
    sent = respond(
        response_type="ephemeral", replace_original=False, **private_message(reply, note)
    )
    if sent.status_code != 200:
        log.warning("response_url answered %s: %s", sent.status_code, sent.body)
