"""The calendar feed tokens: one per agreement, kept only as the digest of the token, which a
request is looked up by. The token itself is shown once, when it is made."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlmodel import Session, select

from domain.store.tables import CalendarFeedRow


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_made(session: Session, agreement_id: int) -> CalendarFeedRow | None:
    """The agreement's feed, if one was made: who made it and when, never its token."""
    return session.get(CalendarFeedRow, agreement_id)


def set_feed_token(session: Session, agreement_id: int, token: str, by: str, now: datetime) -> None:
    """Store `token`'s digest as the agreement's only one: the token it replaces no longer
    opens the feed."""
    row = session.get(CalendarFeedRow, agreement_id)
    if row is None:
        row = CalendarFeedRow(
            agreement_id=agreement_id, token_digest="", created_by=by, created_at=now
        )
    row.token_digest = token_digest(token)
    row.created_by, row.created_at = by, now
    session.add(row)


def agreement_for_token(session: Session, token: str) -> int | None:
    """The agreement whose feed `token` opens. The lookup is by digest, so how long the
    database takes says nothing about the token; the digest found is then compared in
    constant time."""
    digest = token_digest(token)
    row = session.exec(
        select(CalendarFeedRow).where(CalendarFeedRow.token_digest == digest)
    ).first()
    if row is None or not hmac.compare_digest(row.token_digest.encode(), digest.encode()):
        return None
    return row.agreement_id
