"""Once a day, each agreement's whole hash chain is verified (SPEC §12); a break is posted once
in the agreement's channels, as an alert.

Each process remembers the day it last verified each agreement (several instances each verify
once a day). The first break found in the events is kept on the agreement (none, once the chain
is whole), for `status` to show and writes to refuse while it holds. Its alert lives in the
alert table: its key is `history_altered#<seq>`, its slot the day, and it is posted once per
channel like a deadline's, committed "sending" before the post and "posted" after; one not
confirmed (or claimed by another instance that day) is claimed again the next day, until one is
posted.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bot.alerts.message import alert_key
from bot.alerts.poster import ALERT_BLOCK_PREFIX, AlertMessage, Poster, PostFailed
from bot.alerts.report import AlertOutcome, PassReport
from domain.rules.audit_chain import ChainBreak, first_break, genesis, terms_break
from domain.rules.terms import ProfileError
from domain.services.agreement import terms_from_snapshot
from domain.store.alert_ledger import POSTED, SENDING
from domain.store.tables import AlertRow
from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.alerts")

# Per database, the day each agreement's chain was last verified by this process.
_VERIFIED: WeakKeyDictionary[Engine, dict[int, str]] = WeakKeyDictionary()


def break_key(found: ChainBreak) -> str:
    return f"history_altered#{found.seq}"


def check_histories(engine: Engine, poster: Poster, now: datetime, report: PassReport) -> None:
    """Verify every agreement not yet verified here on `now`'s (UTC) day; post each break, and
    add what was posted to `report`. Run beside the alert pass (which reads only the
    agreements whose alerts are due), by the scheduler and by `tick`."""
    day = now.date().isoformat()
    uow = UnitOfWork(engine)
    verified = _VERIFIED.setdefault(engine, {})
    with uow.read() as store:
        due = [i for i in store.agreement_ids() if verified.get(i) != day]
    for agreement_id in due:
        for row_id, channel, message in _check(uow, agreement_id, day, now):
            _post(uow, poster, agreement_id, row_id, channel, message, now, report)
        verified[agreement_id] = day


def _check(
    uow: UnitOfWork, agreement_id: int, day: str, now: datetime
) -> list[tuple[int, str, AlertMessage]]:
    """On a break, claims its alert for the channels not yet told of it."""
    try:
        with uow.write() as store:
            row = store.agreement(agreement_id)
            start = genesis(agreement_id, row.terms_digest)
            in_events = first_break(start, store.chained_events(agreement_id), row.chain_head)
            store.note_break(row, in_events)
            found = terms_break(row.profile_yaml, row.terms_digest) or in_events
            if found is None:
                return []
            log.warning("agreement %s: %s", agreement_id, found.detail)
            title = _title(row.profile_yaml, row.profile_id)
            key = break_key(found)
            told = store.alerts.posted_in(agreement_id, key)
            claims = []
            for channel in store.channels_of(agreement_id):
                if channel in told:
                    continue
                [claimed] = store.alerts.claim([_row(agreement_id, key, day, channel, now)])
                assert claimed.id is not None
                message = _message(alert_key(agreement_id, key, day), found, title)
                claims.append((claimed.id, channel, message))
            return claims
    except IntegrityError:
        return []  # another instance claimed today's alert first


def _post(
    uow: UnitOfWork,
    poster: Poster,
    agreement_id: int,
    row_id: int,
    channel: str,
    message: AlertMessage,
    now: datetime,
    report: PassReport,
) -> None:
    try:
        ts = poster.post(channel, message)
    except PostFailed as failure:
        log.warning("history alert for agreement %s not posted: %s", agreement_id, failure)
        report.pending.append(AlertOutcome(agreement_id, channel, message.key, ""))
        return
    with uow.write() as store:
        store.alerts.settle(row_id, POSTED, ts, now)
    report.posted.append(AlertOutcome(agreement_id, channel, message.key, message.text, ts))


def _row(agreement_id: int, key: str, day: str, channel: str, now: datetime) -> AlertRow:
    return AlertRow(
        agreement_id=agreement_id,
        deadline_key=key,
        slot_key=day,
        channel_id=channel,
        slot_at=now,
        state=SENDING,
        attempts=1,
        claimed_at=now,
    )


def _title(profile_yaml: str, profile_id: str) -> str:
    """The agreement's title; its profile's id when the stored terms were edited past use."""
    try:
        return terms_from_snapshot(profile_yaml).title
    except ProfileError:
        return profile_id


def _message(key: str, found: ChainBreak, title: str) -> AlertMessage:
    text = (
        f"The recorded history does not prove itself: {found.detail}. Nothing more can be "
        "recorded until an admin restores it; `regrights verify` names the break and, run by "
        "an admin once the history is whole again, clears it."
    )
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "block_id": ALERT_BLOCK_PREFIX + key,
            "text": {"type": "mrkdwn", "text": f"🛑 *History altered* — {text}"},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": title}]},
    ]
    return AlertMessage(key=key, text=text, blocks=blocks)
