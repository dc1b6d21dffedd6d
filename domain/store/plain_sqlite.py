"""Reading a SQLite database with the standard library alone, for the questions `regrights cmd`
answers and the idle alert pass of `regrights tick`: a one-shot process that loads no ORM
starts several times faster. Writes always go through the unit of work.

Values come back as SQLAlchemy stores them on SQLite (dates as ISO text, date-times as
`YYYY-MM-DD HH:MM:SS.ffffff` in UTC, without an offset) and are read back into the same Python
values (date-times aware, in UTC, as SQLModel's UTCDateTime gives them), so an
answer read here is the answer read through the ORM (a test compares them)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from domain.rules.events import Event
from domain.store.event_rows import EVENT_COLUMNS, event_from_row
from domain.store.location import HEAD, sqlite_file
from domain.store.version import VERSION_SQL, Version

if TYPE_CHECKING:
    from domain.store.unit_of_work import AgreementStore

# The revision table Alembic keeps.
_REVISION_SQL = "SELECT version_num FROM alembic_version"
_AGREEMENT_COLUMNS = (
    "id, profile_id, profile_yaml, created_at, created_by, alert_leads, alert_at, "
    "next_alert_at, chain_head"
)
_EVENT_SQL = (
    "SELECT "
    + ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
    + " FROM event WHERE agreement_id = ? AND seq > ? ORDER BY seq"
)
_DATE_COLUMNS = {"on", "effective_on", "planned_filing"}


def sqlite_text(moment: datetime) -> str:
    """A date-time as SQLModel writes it to SQLite: in UTC, without the offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _moment(text: str | None) -> datetime | None:
    """A stored date-time, aware, as SQLModel's UTCDateTime returns it."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class AgreementRecord:
    id: int | None
    profile_id: str
    profile_yaml: str
    created_at: datetime
    created_by: str
    alert_leads: str | None
    alert_at: str | None
    next_alert_at: datetime | None
    chain_head: str | None


@dataclass
class BindingRecord:
    agreement_id: int


class PlainSqliteStore:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def _all(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, params).fetchall()

    def version(self, channel_id: str, user: str) -> Version | None:
        found = self._db.execute(VERSION_SQL, {"channel": channel_id, "user": user}).fetchone()
        return None if found is None else Version(*found)

    def binding(self, channel_id: str) -> BindingRecord | None:
        rows = self._all(
            "SELECT agreement_id FROM channel_binding WHERE channel_id = ?", channel_id
        )
        return BindingRecord(rows[0][0]) if rows else None

    def agreement(self, agreement_id: int) -> AgreementRecord:
        rows = self._all(f"SELECT {_AGREEMENT_COLUMNS} FROM agreement WHERE id = ?", agreement_id)
        if not rows:
            raise LookupError(f"no agreement {agreement_id}")
        return _agreement(rows[0])

    def agreement_for_profile(self, profile_id: str) -> AgreementRecord | None:
        rows = self._all(
            f"SELECT {_AGREEMENT_COLUMNS} FROM agreement WHERE profile_id = ? LIMIT 1", profile_id
        )
        return _agreement(rows[0]) if rows else None

    def has_agreements(self) -> bool:
        return bool(self._all("SELECT 1 FROM agreement LIMIT 1"))

    def agreement_ids(self) -> list[int]:
        return [row[0] for row in self._all("SELECT id FROM agreement ORDER BY id")]

    def agreements_granted_to(self, user: str) -> list[int]:
        sql = "SELECT agreement_id FROM role_grant WHERE user_id = ? ORDER BY agreement_id"
        return [row[0] for row in self._all(sql, user)]

    def channels_of(self, agreement_id: int) -> list[str]:
        sql = "SELECT channel_id FROM channel_binding WHERE agreement_id = ? ORDER BY channel_id"
        return [row[0] for row in self._all(sql, agreement_id)]

    def grants(self, agreement_id: int) -> dict[str, str]:
        rows = self._all(
            "SELECT user_id, role FROM role_grant WHERE agreement_id = ?", agreement_id
        )
        return {user: role for user, role in rows}

    def events(self, agreement_id: int, after: int = 0) -> list[Event]:
        found = []
        for values in self._all(_EVENT_SQL, agreement_id, after):
            row = dict(zip(EVENT_COLUMNS, values, strict=True))
            for column in _DATE_COLUMNS:
                if row[column] is not None:
                    row[column] = date.fromisoformat(row[column])
            row["recorded_at"] = _moment(row["recorded_at"])
            found.append(event_from_row(row))
        return found

    def due_for_alerts(self, now: datetime) -> bool:
        """Whether any agreement's next alert time has come (the alert pass's first query)."""
        sql = "SELECT 1 FROM agreement WHERE next_alert_at <= ? LIMIT 1"
        return bool(self._all(sql, sqlite_text(now)))


def _agreement(row: tuple[Any, ...]) -> AgreementRecord:
    (id_, profile_id, profile_yaml, created_at, created_by, leads, at, next_at, head) = row
    created = _moment(created_at)
    assert created is not None
    return AgreementRecord(
        id_, profile_id, profile_yaml, created, created_by, leads, at, _moment(next_at), head
    )


class PlainSqliteReads:
    """Read transactions on one SQLite file; it never writes, and never creates the file."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def of_migrated(cls, url: str | None) -> PlainSqliteReads | None:
        """Reads of the database at `url` when it is a SQLite file at the newest schema
        revision; None when it is anything else, which the full path then serves."""
        path = sqlite_file(url)
        if path is None:
            return None
        reads = cls(path)
        return reads if reads.revision() == HEAD else None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{quote(self.path)}?mode=ro", uri=True, timeout=10)

    def revision(self) -> str | None:
        """The schema revision; None for a database never migrated (or no file at all)."""
        try:
            connection = self._connect()
        except sqlite3.OperationalError:
            return None
        try:
            found = connection.execute(_REVISION_SQL).fetchone()
        except sqlite3.OperationalError:
            return None
        finally:
            connection.close()
        return None if found is None else str(found[0])

    @contextmanager
    def read(self) -> Iterator[PlainSqliteStore]:
        connection = self._connect()
        try:
            connection.execute("BEGIN")  # one snapshot for every query of the transaction
            yield PlainSqliteStore(connection)
        finally:
            connection.close()

    def write(self) -> AbstractContextManager[AgreementStore]:
        raise TypeError("the plain SQLite reader does not write: use the unit of work")

    def quick_version(self, channel_id: str, user: str) -> Version | None:
        return None
