"""The unit of work: one transaction per use case, writes to an agreement serialised. A
question reads in plain SQL (`QuestionStore`); the ORM, which writes, loads with the first
store that needs it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from domain.store.alert_locks import hold_agreement
from domain.store.database import connection_gate
from domain.store.question_store import QuestionStore

if TYPE_CHECKING:
    from domain.store.agreement_store import AgreementStore

# For this transaction only: no lock waited on, nor statement run, longer than the deadline; a
# lock wait ends first, so that it is reported as the database being busy.
_WRITE_DEADLINE = text(
    "SELECT set_config('lock_timeout', :lock_ms, true), set_config('statement_timeout', :ms, true)"
)


class UnitOfWork:
    """Opens transactions on one engine. `write()` commits on success and rolls back on error."""

    def __init__(self, engine: Engine, write_seconds: float | None = None) -> None:
        self.engine = engine
        # A write not stored within this many seconds is abandoned and rolled back (the
        # database's own deadline: SQLite's busy timeout, PostgreSQL's lock and statement
        # timeouts); None keeps the engine's longer waits.
        self.write_seconds = write_seconds

    def hold_alerts(self, agreement_id: int) -> AbstractContextManager[bool]:
        """True while this process alone works on the agreement's alerts (see alert_locks)."""
        return hold_agreement(self.engine, agreement_id)

    @contextmanager
    def question(self) -> Iterator[QuestionStore]:
        with connection_gate(self.engine), self.engine.connect() as connection:
            yield QuestionStore(connection)

    @contextmanager
    def read(self) -> Iterator[AgreementStore]:
        from sqlmodel import Session

        from domain.store.agreement_store import AgreementStore

        with connection_gate(self.engine), Session(self.engine) as session:
            yield AgreementStore(session)

    @contextmanager
    def write(self) -> Iterator[AgreementStore]:
        from sqlmodel import Session

        from domain.store.agreement_store import AgreementStore

        with connection_gate(self.engine), self.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # SQLite has one writer at a time; taking the lock at BEGIN serialises writers
                # before they read, so none replays a stale history.
                connection.info["begin_immediate"] = True
                if self.write_seconds is not None:
                    connection.info["busy_ms"] = int(self.write_seconds * 1000)
            with Session(bind=connection) as session:
                if connection.dialect.name != "sqlite" and self.write_seconds is not None:
                    ms = int(self.write_seconds * 1000)
                    deadline = {"lock_ms": str(ms * 9 // 10), "ms": str(ms)}
                    session.connection().execute(_WRITE_DEADLINE, deadline)
                store = AgreementStore(session)
                try:
                    yield store
                    store.write_appended()
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
                store.committed()
