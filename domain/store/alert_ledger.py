"""The alert rows of one transaction: which slots are taken, which posts are not yet
confirmed, and each row's claim and settlement."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, func, select

from domain.store.tables import AlertRow

SENDING, POSTED, SKIPPED = "sending", "posted", "skipped"


class AlertLedger:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claimed_through(self, agreement_id: int, keys: Collection[str]) -> dict[str, datetime]:
        """Per deadline key among `keys`, the time of the latest slot taken in any state. Only
        the running deadlines' rows are read, not those of every deadline the history held."""
        if not keys:
            return {}
        rows = self._session.exec(
            select(AlertRow.deadline_key, func.max(AlertRow.slot_at))
            .where(AlertRow.agreement_id == agreement_id, col(AlertRow.deadline_key).in_(keys))
            .group_by(col(AlertRow.deadline_key))
        )
        return {key: latest for key, latest in rows}

    def claimed_through_by_agreement(
        self, agreement_ids: Collection[int]
    ) -> dict[int, dict[str, datetime]]:
        """`claimed_through` for many agreements in one query (each id has a map, maybe empty)."""
        found: dict[int, dict[str, datetime]] = {agreement_id: {} for agreement_id in agreement_ids}
        rows = self._session.exec(
            select(AlertRow.agreement_id, AlertRow.deadline_key, func.max(AlertRow.slot_at))
            .where(col(AlertRow.agreement_id).in_(agreement_ids))
            .group_by(col(AlertRow.agreement_id), col(AlertRow.deadline_key))
        )
        for agreement_id, key, latest in rows:
            found[agreement_id][key] = latest
        return found

    def unconfirmed(self, agreement_id: int) -> list[AlertRow]:
        """Rows still "sending": a post that failed, or one a dead process left behind."""
        return self.unconfirmed_by_agreement([agreement_id])[agreement_id]

    def unconfirmed_by_agreement(self, agreement_ids: Collection[int]) -> dict[int, list[AlertRow]]:
        """`unconfirmed` for many agreements in one query (each id has a list, maybe empty)."""
        found: dict[int, list[AlertRow]] = {agreement_id: [] for agreement_id in agreement_ids}
        rows = self._session.exec(
            select(AlertRow)
            .where(col(AlertRow.agreement_id).in_(agreement_ids), AlertRow.state == SENDING)
            .order_by(col(AlertRow.id))
        )
        for row in rows:
            found[row.agreement_id].append(row)
        return found

    def posted_in(self, agreement_id: int, key: str) -> set[str]:
        """The channels where an alert under `key` was posted, on any day."""
        rows = self._session.exec(
            select(AlertRow.channel_id).where(
                AlertRow.agreement_id == agreement_id,
                col(AlertRow.deadline_key) == key,
                AlertRow.state == POSTED,
            )
        )
        return set(rows)

    def claim(self, rows: list[AlertRow]) -> list[AlertRow]:
        """Adds `rows`, given their ids."""
        self._session.add_all(rows)
        self._session.flush()
        return rows

    def row(self, row_id: int) -> AlertRow:
        row = self._session.get(AlertRow, row_id)
        if row is None:
            raise LookupError(f"no alert row {row_id}")
        return row

    def count_attempt(self, row_id: int) -> None:
        self.row(row_id).attempts += 1

    def note_failure(self, row_id: int, reason: str) -> None:
        self.row(row_id).last_error = reason[:200]

    def settle(self, row_id: int, state: str, ts: str | None, at: datetime) -> None:
        row = self.row(row_id)
        row.state, row.ts, row.settled_at = state, ts, at
