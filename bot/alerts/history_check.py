"""Once a day, each agreement's whole hash chain is verified (SPEC §12); a break is posted once
in the agreement's channels, as an alert.

The alert table keeps the day's check and the break's alert, so no migration is needed: a row
(`history-check`, the day) marks an agreement checked that day (whichever instance claims it
checks it), and a break's alert has the key `history_altered#<seq>`, the day as its slot, and is
posted once per channel like a deadline's: committed "sending" before the post, "posted" after;
one not confirmed is claimed again the next day.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.alerts.ledger import POSTED, SENDING, SKIPPED, alert_key
from bot.alerts.poster import ALERT_BLOCK_PREFIX, AlertMessage, Poster, PostFailed
from bot.alerts.report import AlertOutcome, PassReport
from domain.rules.audit_chain import ChainBreak, first_break
from domain.services.agreement import terms_from_snapshot
from domain.store.tables import AlertRow
from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.alerts")

CHECKED = "history-check"


def break_key(found: ChainBreak) -> str:
    return f"history_altered#{found.seq}"


def check_histories(uow: UnitOfWork, poster: Poster, now: datetime, report: PassReport) -> None:
    """Verify, once on `now`'s (UTC) day, every agreement not yet checked that day; post each
    break found, and any break alert a failed pass left unconfirmed."""
    day = now.date().isoformat()
    with uow.read() as store:
        checked = set(
            store.session.exec(
                select(AlertRow.agreement_id).where(
                    AlertRow.deadline_key == CHECKED, AlertRow.slot_key == day
                )
            )
        )
        due = [i for i in store.agreement_ids() if i not in checked]
    for agreement_id in due:
        claims = _check(uow, agreement_id, day, now)
        for row_id, channel, message in claims:
            _post(uow, poster, agreement_id, row_id, channel, message, now, report)


def _check(
    uow: UnitOfWork, agreement_id: int, day: str, now: datetime
) -> list[tuple[int, str, AlertMessage]]:
    """Claims the day's check; on a break, the alert rows for channels not yet told of it."""
    try:
        with uow.write() as store:
            store.session.add(_row(agreement_id, CHECKED, day, "", SKIPPED, now))
            store.session.flush()
            row = store.agreement(agreement_id)
            found = first_break(agreement_id, store.chained_events(agreement_id), row.chain_head)
            if found is None:
                return []
            title = terms_from_snapshot(row.profile_yaml).title
            key = break_key(found)
            told = set(
                store.session.exec(
                    select(AlertRow.channel_id).where(
                        AlertRow.agreement_id == agreement_id,
                        col(AlertRow.deadline_key) == key,
                        AlertRow.state == POSTED,
                    )
                )
            )
            claims = []
            for channel in store.channels_of(agreement_id):
                if channel in told:
                    continue
                claimed = _row(agreement_id, key, day, channel, SENDING, now)
                store.session.add(claimed)
                store.session.flush()
                assert claimed.id is not None
                message = _message(alert_key(agreement_id, key, day), found, title)
                claims.append((claimed.id, channel, message))
            log.warning("agreement %s: %s", agreement_id, found.detail)
            return claims
    except IntegrityError:
        return []  # another instance claimed the day's check first


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
        row = store.session.get(AlertRow, row_id)
        assert row is not None
        row.state, row.ts, row.settled_at = POSTED, ts, now
        store.session.add(row)
    report.posted.append(AlertOutcome(agreement_id, channel, message.key, message.text, ts))


def _row(
    agreement_id: int, key: str, slot: str, channel: str, state: str, now: datetime
) -> AlertRow:
    return AlertRow(
        agreement_id=agreement_id,
        deadline_key=key,
        slot_key=slot,
        channel_id=channel,
        slot_at=now,
        state=state,
        attempts=1 if state == SENDING else 0,
        claimed_at=now,
        settled_at=None if state == SENDING else now,
    )


def _message(key: str, found: ChainBreak, title: str) -> AlertMessage:
    text = (
        f"The recorded history does not prove itself: {found.detail}. Nothing more can be "
        "recorded until an admin restores it; `regrights verify` names the break."
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
