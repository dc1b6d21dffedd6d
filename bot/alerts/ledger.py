"""The alert rows: which slots are taken, and which posts are not yet confirmed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from domain.store.tables import AlertRow

SENDING, POSTED, SKIPPED = "sending", "posted", "skipped"


def alert_key(agreement_id: int, deadline_key: str, slot_key: str) -> str:
    """Names one alert wherever it is posted; it rides in the Slack message's metadata."""
    return f"{agreement_id}/{deadline_key}/{slot_key}"


def claimed_through(session: Session, agreement_id: int) -> dict[str, datetime]:
    """Per deadline key, the time of the latest slot taken in any state."""
    rows = session.exec(
        select(AlertRow.deadline_key, func.max(AlertRow.slot_at))
        .where(AlertRow.agreement_id == agreement_id)
        .group_by(col(AlertRow.deadline_key))
    )
    return {key: latest for key, latest in rows}


def unconfirmed(session: Session, agreement_id: int) -> list[AlertRow]:
    """Rows still "sending": a post that failed, or one a dead process left behind."""
    return list(
        session.exec(
            select(AlertRow)
            .where(AlertRow.agreement_id == agreement_id, AlertRow.state == SENDING)
            .order_by(col(AlertRow.id))
        )
    )
