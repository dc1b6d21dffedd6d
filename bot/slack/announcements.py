"""A recorded write's announcement in its channel, owed from the write's own commit.

`owe` adds the announcement to the write's transaction (`RegRightsService.execute`'s
`before_commit`), so it is stored before the ack says "Recorded". It is then posted exactly
once, as the alerts are (`bot.alerts.alert_pass`): under the agreement's lock, held only while
its process lives (`domain.store.alert_locks`); a post is counted before it is made, and a row whose
post was begun is looked for in the channel, by its first block's id, before it is posted
again. `post_owed` runs in the write's lazy listener; `redrive`, at start and in the
scheduler's pass, posts what a process that died (or a Slack that failed) left owed."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.slack.blocks import Message, announcement_message
from domain.services.replies import Reply
from domain.store.agreement_store import AgreementStore
from domain.store.alert_locks import hold_agreement
from domain.store.announcement_ledger import PENDING, POSTED, REFUSED, AnnouncementRow
from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.slack")

KEY_PREFIX = "regrights_announcement:"
TRIES_PER_PASS = 2  # after a failure that may have reached Slack, look, then post once more
_PAGE = 200  # messages read at a time when looking for a post whose fate is unknown
_POLL_SECONDS = 0.05  # how often a write's lazy listener looks whether its row is settled
# How long a post sent just before its process died may take to reach Slack.
_IN_FLIGHT = timedelta(seconds=5)
# Slack stamps a message with its own clock; look a little before the post was begun.
_LOOKBACK_MARGIN = timedelta(minutes=10)
_CONNECTION_ERRORS = (OSError, HTTPException)


@dataclass(frozen=True)
class Owed:
    """The announcement a write left to post (plain data: Bolt copies it to the lazy listener)."""

    agreement_id: int
    row_id: int


class Announcements:
    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        owner: str,
        clock: Callable[[], datetime],
        *,
        read_history: bool = False,
    ) -> None:
        """`read_history`: whether a post whose fate is unknown is looked for in the channel
        before it is made again (REGRIGHTS_READ_HISTORY); otherwise it is made again."""
        self._engine = engine
        self._read_history = read_history
        self._uow = UnitOfWork(engine)
        self._client = client
        self._owner = owner[:64]  # the serving process, for `unfinished`
        self._clock = clock

    def owe(
        self, store: AgreementStore, reply: Reply, user: str, channel: str, thread_ts: str | None
    ) -> Owed | None:
        """Inside the write's transaction: the announcement its reply calls for, if any."""
        if not reply.announce or reply.agreement_id is None:
            return None
        message = announcement_message(reply, user)
        message["blocks"][0]["block_id"] = KEY_PREFIX + uuid.uuid4().hex
        row = AnnouncementRow(
            agreement_id=reply.agreement_id,
            seq=reply.recorded_seq,
            channel_id=channel,
            thread_ts=thread_ts,
            message=json.dumps(message),
            state=PENDING,
            owner=self._owner,
            created_at=self._clock(),
        )
        return Owed(reply.agreement_id, store.announcements.add(row))

    def post_owed(self, agreement_id: int, row_id: int | None = None) -> None:
        """Post the agreement's owed announcements, oldest first, if no one else is posting
        them. With `row_id` (a write's own announcement), wait for whoever is, until that row
        is settled: each holder posts every row committed before it looked."""
        while True:
            with hold_agreement(self._engine, agreement_id, "announcements") as held:
                if held:
                    with self._uow.read() as store:
                        owed = store.announcements.pending(agreement_id)
                    self._deliver_all(owed)
                    return
            if row_id is None or not self._is_pending(row_id):
                return
            time.sleep(_POLL_SECONDS)

    def refusal(self, owed: Owed) -> str | None:
        """Slack's error when it would not take the announcement; None otherwise."""
        with self._uow.read() as store:
            row = store.announcements.row(owed.row_id)
            return row.last_error if row is not None and row.state == REFUSED else None

    def posted_as(self, agreement_id: int, seq: int) -> tuple[str, str, Message] | None:
        """Where the announcement of event `seq` is (channel, ts) and what it says, from the
        app's own record alone, once Slack has it (waiting for a post under way to settle);
        None if it never was posted. Nothing a request carries picks the message."""
        row = self._row_of(agreement_id, seq)
        if row is not None and row.state == PENDING:
            assert row.id is not None
            self.post_owed(agreement_id, row.id)
            row = self._row_of(agreement_id, seq)
        if row is None or row.state != POSTED or row.ts is None:
            return None
        return row.channel_id, row.ts, json.loads(row.message)

    def _row_of(self, agreement_id: int, seq: int) -> AnnouncementRow | None:
        with self._uow.read() as store:
            return store.announcements.of_event(agreement_id, seq)

    def redrive(self) -> None:
        """Post every announcement still owed, whoever owed it."""
        with self._uow.read() as store:
            agreements = store.announcements.agreements_owed()
        for agreement_id in agreements:
            try:
                self.post_owed(agreement_id)
            except Exception:
                log.exception("announcements of agreement %s: the next pass retries", agreement_id)

    def unfinished(self) -> int:
        """How many writes this process acknowledged are not yet announced."""
        with self._uow.read() as store:
            return len(store.announcements.pending(owner=self._owner))

    # ----------------------------------------------------------------- one announcement

    def _is_pending(self, row_id: int) -> bool:
        with self._uow.read() as store:
            row = store.announcements.row(row_id)
            return row is not None and row.state == PENDING

    def _deliver_all(self, rows: list[AnnouncementRow]) -> None:
        begun = [_aware(row.attempted_at) for row in rows if row.attempted_at is not None]
        if begun:
            # A post begun moments ago, by a process that has died since, may still be on its
            # way to Slack: wait until it would have arrived before looking for it.
            left = (max(begun) + _IN_FLIGHT - datetime.now(UTC)).total_seconds()
            time.sleep(min(max(left, 0), _IN_FLIGHT.total_seconds()))
        for row in rows:
            try:
                self._deliver(row)
            except Exception:
                # Left pending (a post begun is looked for first): the next pass retries.
                log.exception("could not settle the announcement of %s", row.channel_id)

    def _deliver(self, row: AnnouncementRow) -> None:
        message: Message = json.loads(row.message)
        key = str(message["blocks"][0]["block_id"])
        # A post was begun, by a process that may have died since: it may be in the channel.
        look_first = row.attempts > 0 and self._read_history
        since = _aware(row.attempted_at or row.created_at)
        for _ in range(TRIES_PER_PASS):
            try:
                if look_first:
                    found = self._find(row, key, since)
                    if found is not None:
                        self._settle(row, POSTED, ts=found)
                        return
                since = self._settle(row, PENDING, attempt=True)
                posted = self._client.chat_postMessage(
                    channel=row.channel_id,
                    thread_ts=row.thread_ts,
                    unfurl_links=False,
                    unfurl_media=False,
                    **message,
                )
            except SlackApiError as exc:
                error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
                if not _uncertain(exc):
                    log.warning("could not announce in %s: %s", row.channel_id, error)
                    self._settle(row, REFUSED, error=error)
                    return
                self._settle(row, PENDING, error=error)
            except _CONNECTION_ERRORS as exc:
                self._settle(row, PENDING, error=f"{type(exc).__name__}: {exc}")
            else:
                self._settle(row, POSTED, ts=str(posted["ts"]))
                return
            log.warning("announcing in %s may have failed; trying again", row.channel_id)
            look_first = self._read_history

    def _find(self, row: AnnouncementRow, key: str, since: datetime) -> str | None:
        """The ts of the announcement if the channel (or its thread) has it, looking from a
        little before its latest post was begun."""
        oldest = f"{(since - _LOOKBACK_MARGIN).timestamp():.6f}"
        if row.thread_ts is None:
            pages = self._client.conversations_history(
                channel=row.channel_id, oldest=oldest, limit=_PAGE
            )
        else:
            pages = self._client.conversations_replies(
                channel=row.channel_id, ts=row.thread_ts, oldest=oldest, limit=_PAGE
            )
        for page in pages:
            messages: list[dict[str, Any]] = page.get("messages") or []
            for posted in messages:
                blocks = posted.get("blocks") or [{}]
                if blocks[0].get("block_id") == key:
                    return str(posted["ts"])
        return None

    def _settle(
        self,
        row: AnnouncementRow,
        state: str,
        *,
        ts: str | None = None,
        error: str | None = None,
        attempt: bool = False,
    ) -> datetime:
        """Stores the row's new state; returns when (by the real clock) it was stored."""
        now = datetime.now(UTC)
        assert row.id is not None
        with self._uow.write() as store:
            if attempt:
                store.announcements.begin(row.id, now)
            store.announcements.settle(row.id, state, ts, error, self._clock())
        return now


def _aware(moment: datetime) -> datetime:
    """SQLite gives back a stored time without its zone: UTC, as it was stored."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _uncertain(exc: SlackApiError) -> bool:
    """Whether a failed post may still be stored, or is worth trying later: a 5xx, a 429."""
    status = int(exc.response.status_code)
    return status >= 500 or status == 429
