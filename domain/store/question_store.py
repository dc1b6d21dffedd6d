"""A question's reads: plain SQL on one Core connection, in one read transaction, without the
ORM (as Cosmic Python's views read). The store of a write reads its events the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, select, text

from domain.rules.audit_chain import Break, ChainBreak, ChainedEvent, break_holds, genesis
from domain.rules.events import Event
from domain.store.event_rows import event_from_row
from domain.store.schema import EVENT
from domain.store.version import VERSION_SQL, AgreementFields, Version

if TYPE_CHECKING:
    from domain.store.tables import AgreementRow

_VERSION = text(VERSION_SQL)
_ANY_AGREEMENT = text("SELECT 1 FROM agreement LIMIT 1")


class QuestionStore:
    """Reads within one open read transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def version(self, channel_id: str, user: str) -> Version | None:
        """The channel's version for `user`, with its agreement's row, in one round trip; None
        for an unbound channel."""
        found = self.connection.execute(_VERSION, {"channel": channel_id, "user": user}).first()
        if found is None:
            return None
        last_seq, granted, *fields = found
        return Version(AgreementFields(*fields), last_seq, granted)

    def events(self, agreement_id: int, through_seq: int | None = None) -> list[Event]:
        return read_events(self.connection, agreement_id, through_seq)

    def found_break(self, agreement: AgreementRow | AgreementFields) -> ChainBreak | None:
        return found_break(self.connection, agreement)

    def has_agreements(self) -> bool:
        return has_agreements(self.connection)


def read_events(
    connection: Connection, agreement_id: int, through_seq: int | None = None
) -> list[Event]:
    """The agreement's events in order, up to sequence number `through_seq` if given (a
    history version read earlier in a transaction that may now see newer events)."""
    query = select(EVENT).where(EVENT.c.agreement_id == agreement_id)
    if through_seq is not None:
        query = query.where(EVENT.c.seq <= through_seq)
    rows = connection.execute(query.order_by(EVENT.c.seq))
    return [event_from_row(row._mapping) for row in rows]


def read_chained(connection: Connection, query: Select[Any]) -> list[ChainedEvent]:
    """The event rows `query` selects, each with its stored hash, in the query's order."""
    rows = connection.execute(query)
    return [ChainedEvent(event_from_row(row._mapping), row.chain_hash) for row in rows]


def found_break(
    connection: Connection, agreement: AgreementRow | AgreementFields
) -> ChainBreak | None:
    """The break the last whole verification of the agreement's chain found, while it still
    holds (SPEC §12): only its event and the ones either side are read again."""
    seq = agreement.break_seq
    if seq is None:
        return None
    assert agreement.id is not None
    around = read_chained(
        connection,
        select(EVENT)
        .where(EVENT.c.agreement_id == agreement.id, EVENT.c.seq.between(seq - 1, seq + 1))
        .order_by(EVENT.c.seq),
    )
    start = genesis(agreement.id, agreement.terms_digest)
    if not break_holds(start, seq, around, agreement.chain_head):
        return None
    # The three columns are written together; the fallbacks are for a hand that edits one.
    how = Break(agreement.break_how or Break.ALTERED)
    return ChainBreak(how, seq, agreement.break_detail or f"event #{seq} does not hold")


def has_agreements(connection: Connection) -> bool:
    return connection.execute(_ANY_AGREEMENT).first() is not None
