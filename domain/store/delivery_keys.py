"""At most once, across instances (SPEC §14): Slack delivers a request again when it did not see
the ack in time (an Events API retry, a Socket Mode envelope sent again), and a signed body
can be replayed. Each is known by its delivery key (`bot.slack.middleware.delivery_key`). A
write claims its key in its own transaction, so of two deliveries, on any instances, one
records and the other is told it already was. Keys are kept for a day, far longer than Slack
retries (within the hour) or a signature lives (five minutes)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from domain.store.tables import DeliveryRow

if TYPE_CHECKING:
    from domain.store.unit_of_work import UnitOfWork

KEPT_FOR = timedelta(days=1)


class AlreadyDelivered(Exception):
    """The key was claimed before: the write that claims it again must record nothing."""


class DeliveryKeys:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(self, key: str, now: datetime) -> None:
        """Claims `key` in this transaction; raises AlreadyDelivered if it was claimed (by a
        transaction committed first, on this instance or another)."""
        if self._session.get(DeliveryRow, key) is not None:
            raise AlreadyDelivered(key)
        self._session.add(DeliveryRow(key=key[:160], seen_at=now))
        try:
            self._session.flush()
        except IntegrityError:  # claimed by a transaction that committed while this one waited
            raise AlreadyDelivered(key) from None


def prune(uow: UnitOfWork, now: datetime) -> None:
    """Forgets, in a transaction of its own, the keys Slack can no longer deliver again."""
    with uow.write() as store:
        store.session.exec(delete(DeliveryRow).where(col(DeliveryRow.seen_at) < now - KEPT_FOR))
