"""At most once, across instances (SPEC §14): Slack delivers a request again when it did not see
the ack in time (an Events API retry, a Socket Mode envelope sent again), and a signed body
can be replayed. Each is known by its delivery key: a slash command's or an interaction's
`trigger_id`, an event's `event_id`; a redelivered Socket Mode envelope carries the same
payload, so the same key. A write claims its key in its own transaction, so of two
deliveries, on any instances, one records and the other is told it already was. Keys are
kept for a day, far longer than Slack retries (within the hour) or a signature lives (five
minutes)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from domain.store.tables import DeliveryRow
from domain.store.unit_of_work import UnitOfWork

KEPT_FOR = timedelta(days=1)
ALREADY_RECORDED = (
    "Already recorded: Slack delivered this request twice, and it was recorded once. "
    "`history` shows it."
)


class AlreadyDelivered(Exception):
    """The key was claimed before: the write that claims it again must record nothing."""


def delivery_key(body: dict[str, Any]) -> str | None:
    """The key a request is known by across deliveries; None for one that has none."""
    if body.get("type") == "event_callback":
        event_id = body.get("event_id")
        return f"event:{event_id}" if isinstance(event_id, str) and event_id else None
    trigger_id = body.get("trigger_id")
    return f"trigger:{trigger_id}" if isinstance(trigger_id, str) and trigger_id else None


def claim(session: Session, key: str, now: datetime) -> None:
    """Claims `key` in the session's transaction; raises AlreadyDelivered if it was claimed
    (by a transaction committed first, on this instance or another)."""
    if session.get(DeliveryRow, key) is not None:
        raise AlreadyDelivered(key)
    session.add(DeliveryRow(key=key[:160], seen_at=now))
    try:
        session.flush()
    except IntegrityError:  # claimed by a transaction that committed while this one waited
        raise AlreadyDelivered(key) from None


def first_delivery(uow: UnitOfWork, key: str, now: datetime) -> bool:
    """Claims `key` in a transaction of its own (for a request that writes nothing else):
    True the first time, False after."""
    try:
        with uow.write() as store:
            claim(store.session, key, now)
    except AlreadyDelivered:
        return False
    return True


def prune(uow: UnitOfWork, now: datetime) -> None:
    """Forgets the keys Slack can no longer deliver again."""
    with uow.write() as store:
        store.session.exec(delete(DeliveryRow).where(col(DeliveryRow.seen_at) < now - KEPT_FOR))
