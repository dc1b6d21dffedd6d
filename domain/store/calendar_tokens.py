"""The calendar feed tokens: one per agreement, found by the digest of the token offered."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlmodel import Session, select

from domain.store.tables import CalendarFeedRow


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token(session: Session, agreement_id: int) -> str | None:
    row = session.get(CalendarFeedRow, agreement_id)
    return None if row is None else row.token


def set_feed_token(session: Session, agreement_id: int, token: str, by: str, now: datetime) -> None:
    """Store `token` as the agreement's only one: the one it replaces no longer opens the feed."""
    row = session.get(CalendarFeedRow, agreement_id)
    if row is None:
        row = CalendarFeedRow(
            agreement_id=agreement_id, token="", token_digest="", created_by=by, created_at=now
        )
    row.token, row.token_digest = token, token_digest(token)
    row.created_by, row.created_at = by, now
    session.add(row)


def agreement_for_token(session: Session, token: str) -> int | None:
    """The agreement whose feed `token` opens. The lookup is by digest, so how long the
    database takes says nothing about the token; the token itself is then compared in
    constant time."""
    row = session.exec(
        select(CalendarFeedRow).where(CalendarFeedRow.token_digest == token_digest(token))
    ).first()
    if row is None or not hmac.compare_digest(row.token.encode(), token.encode()):
        return None
    return row.agreement_id
