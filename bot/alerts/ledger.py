"""The alert rows: which slots are taken, and which posts are not yet confirmed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, func, select

from domain.store.tables import AlertRow

SENDING, POSTED, SKIPPED = "sending", "posted", "skipped"


def alert_key(agreement_id: int, deadline_key: str, slot_key: str) -> str:
    """Names one alert wherever it is posted; it rides in the Slack message's metadata."""
    return f"{agreement_id}/{deadline_key}/{slot_key}"


def claimed_through(
    session: Session, agreement_id: int, keys: Collection[str]
) -> dict[str, datetime]:
    """Per deadline key among `keys`, the time of the latest slot taken in any state. Only
    the running deadlines' rows are read, not those of every deadline the history held."""
    if not keys:
        return {}
    rows = session.exec(
        select(AlertRow.deadline_key, func.max(AlertRow.slot_at))
        .where(AlertRow.agreement_id == agreement_id, col(AlertRow.deadline_key).in_(keys))
        .group_by(col(AlertRow.deadline_key))
    )
    return {key: latest for key, latest in rows}


def claimed_through_by_agreement(
    session: Session, agreement_ids: Collection[int]
) -> dict[int, dict[str, datetime]]:
    """`claimed_through` for many agreements in one query (each id has a map, maybe empty)."""
    found: dict[int, dict[str, datetime]] = {agreement_id: {} for agreement_id in agreement_ids}
    rows = session.exec(
        select(AlertRow.agreement_id, AlertRow.deadline_key, func.max(AlertRow.slot_at))
        .where(col(AlertRow.agreement_id).in_(agreement_ids))
        .group_by(col(AlertRow.agreement_id), col(AlertRow.deadline_key))
    )
    for agreement_id, key, latest in rows:
        found[agreement_id][key] = latest
    return found


def unconfirmed_by_agreement(
    session: Session, agreement_ids: Collection[int]
) -> dict[int, list[AlertRow]]:
    """`unconfirmed` for many agreements in one query (each id has a list, maybe empty)."""
    found: dict[int, list[AlertRow]] = {agreement_id: [] for agreement_id in agreement_ids}
    rows = session.exec(
        select(AlertRow)
        .where(col(AlertRow.agreement_id).in_(agreement_ids), AlertRow.state == SENDING)
        .order_by(col(AlertRow.id))
    )
    for row in rows:
        found[row.agreement_id].append(row)
    return found


def unconfirmed(session: Session, agreement_id: int) -> list[AlertRow]:
    """Rows still "sending": a post that failed, or one a dead process left behind."""
    return list(
        session.exec(
            select(AlertRow)
            .where(AlertRow.agreement_id == agreement_id, AlertRow.state == SENDING)
            .order_by(col(AlertRow.id))
        )
    )
