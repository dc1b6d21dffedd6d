"""The announcements owed by recorded writes, as stored; `bot.slack.announcements` posts each
once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from domain.store.tables import AnnouncementRow as AnnouncementRow

PENDING, POSTED, REFUSED = "pending", "posted", "refused"


class AnnouncementLedger:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: AnnouncementRow) -> int:
        """Adds `row` to this transaction; its id."""
        self._session.add(row)
        self._session.flush()
        assert row.id is not None
        return row.id

    def row(self, row_id: int) -> AnnouncementRow | None:
        return self._session.get(AnnouncementRow, row_id)

    def of_event(self, agreement_id: int, seq: int) -> AnnouncementRow | None:
        query = select(AnnouncementRow).where(
            AnnouncementRow.agreement_id == agreement_id, AnnouncementRow.seq == seq
        )
        return self._session.exec(query).first()

    def pending(
        self, agreement_id: int | None = None, owner: str | None = None
    ) -> list[AnnouncementRow]:
        """The announcements still owed, oldest first: the agreement's, or `owner`'s."""
        query = select(AnnouncementRow).where(AnnouncementRow.state == PENDING)
        if agreement_id is not None:
            query = query.where(AnnouncementRow.agreement_id == agreement_id)
        if owner is not None:
            query = query.where(AnnouncementRow.owner == owner)
        return list(self._session.exec(query.order_by(col(AnnouncementRow.id))))

    def agreements_owed(self) -> list[int]:
        """The agreements with an announcement still owed, whoever owed it."""
        query = select(AnnouncementRow.agreement_id).where(AnnouncementRow.state == PENDING)
        return list(self._session.exec(query.distinct()))

    def begin(self, row_id: int, at: datetime) -> None:
        """Counts a post begun `at` (by the real clock, Slack's), before it is made."""
        row = self.row(row_id)
        assert row is not None
        row.attempts += 1
        row.attempted_at = at

    def settle(
        self, row_id: int, state: str, ts: str | None, error: str | None, at: datetime
    ) -> None:
        """Stores the row's new state; `at` (by the app's clock) is when it was settled, unless
        it is still pending."""
        row = self.row(row_id)
        assert row is not None
        row.state, row.ts = state, ts
        if error is not None:
            row.last_error = error[:200]
        if state != PENDING:
            row.settled_at = at
