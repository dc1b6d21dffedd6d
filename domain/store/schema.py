"""The metadata every table is declared on, and the event table: events are only ever read and
written as plain rows (`event_rows`), so it is a Core table, which a question reads without
loading the ORM. The other tables are the ORM's (`tables.py`), on this same metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData()


class UTCDateTime(TypeDecorator[datetime]):
    """An aware moment, stored in UTC and read back aware in UTC, also from SQLite, which keeps
    no offset: the type the ORM's tables get from sqlmodel for a `datetime`, here without it."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a stored moment needs its timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.utcoffset() is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Append-only: an undo is a new row, never a deletion.
EVENT = Table(
    "event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement_id", Integer, ForeignKey("agreement.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("on", Date, nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("delivery", String(8)),
    Column("shares", Integer),
    Column("days", Integer),
    Column("reason", String(16)),
    Column("ground", String(16)),
    Column("planned_filing", Date),
    Column("retracts", Integer),
    Column("actor", String(64), nullable=False),
    Column("source", String(128), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("chain_hash", String(64)),
    UniqueConstraint("agreement_id", "seq", name="uq_event_agreement_seq"),
)
