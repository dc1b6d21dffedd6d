"""The store of a write, and of the reads that are not questions (alerts, calendar, audit): the
ORM's session in one transaction the unit of work opened."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, text
from sqlalchemy import select as core_select
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from domain.rules.audit_chain import (
    ChainBreak,
    ChainedEvent,
    HistoryAltered,
    event_hash,
    genesis,
    refuse_altered_tip,
    terms_break,
    terms_digest,
)
from domain.rules.events import Event
from domain.store.alert_ledger import AlertLedger
from domain.store.announcement_ledger import AnnouncementLedger
from domain.store.delivery_keys import DeliveryKeys
from domain.store.event_rows import event_from_row, event_row
from domain.store.question_store import found_break, has_agreements, read_chained, read_events
from domain.store.schema import EVENT
from domain.store.tables import AgreementRow, ChannelBindingRow, RoleGrantRow
from domain.store.version import AgreementFields

# Any fixed number: agreements are created one at a time across instances on PostgreSQL.
_SETUP_LOCK = 0x7265677365747570


class AgreementStore:
    """Reads and appends within one open transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._after_commit: list[Callable[[], None]] = []
        self._last_seq: dict[int, int] = {}  # per agreement, of the events appended here
        self._unwritten: list[dict[str, Any]] = []  # appended event rows not yet inserted

    def after_commit(self, action: Callable[[], None]) -> None:
        """Runs `action` once this unit of work (a `write()`) has committed."""
        self._after_commit.append(action)

    def committed(self) -> None:
        for action in self._after_commit:
            action()
        self._after_commit.clear()

    def roll_back(self) -> None:
        """Discards what this transaction wrote, and what was to follow its commit."""
        self.session.rollback()
        self._after_commit.clear()
        self._last_seq.clear()
        self._unwritten.clear()

    @property
    def _postgres(self) -> bool:
        bind = self.session.get_bind()
        return bind.dialect.name == "postgresql"

    def lock_agreement(self, agreement_id: int) -> None:
        """Hold the agreement until commit, so concurrent writers replay one after another."""
        if self._postgres:
            self.session.exec(
                select(AgreementRow.id).where(AgreementRow.id == agreement_id).with_for_update()
            ).first()

    def lock_setup(self) -> None:
        if self._postgres:
            self.session.exec(  # type: ignore[call-overload]
                text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_SETUP_LOCK)
            )

    def binding(self, channel_id: str) -> ChannelBindingRow | None:
        return self.session.get(ChannelBindingRow, channel_id)

    def bind(self, channel_id: str, agreement_id: int, user: str, now: datetime) -> None:
        row = self.binding(channel_id)
        if row is None:
            row = ChannelBindingRow(
                channel_id=channel_id, agreement_id=agreement_id, bound_by=user, bound_at=now
            )
        else:
            row.agreement_id, row.bound_by, row.bound_at = agreement_id, user, now
        self.session.add(row)

    def channels_of(self, agreement_id: int) -> list[str]:
        rows = self.session.exec(
            select(ChannelBindingRow.channel_id)
            .where(ChannelBindingRow.agreement_id == agreement_id)
            .order_by(col(ChannelBindingRow.channel_id))
        )
        return list(rows)

    def channels_by_agreement(self, agreement_ids: Collection[int]) -> dict[int, list[str]]:
        """`channels_of` for many agreements in one query (each id has a list, maybe empty)."""
        found: dict[int, list[str]] = {agreement_id: [] for agreement_id in agreement_ids}
        rows = self.session.exec(
            select(ChannelBindingRow.agreement_id, ChannelBindingRow.channel_id)
            .where(col(ChannelBindingRow.agreement_id).in_(agreement_ids))
            .order_by(col(ChannelBindingRow.channel_id))
        )
        for agreement_id, channel_id in rows:
            found[agreement_id].append(channel_id)
        return found

    def agreement(self, agreement_id: int) -> AgreementRow:
        row = self.session.get(AgreementRow, agreement_id)
        if row is None:
            raise LookupError(f"no agreement {agreement_id}")
        return row

    def agreements(self, agreement_ids: Collection[int]) -> list[AgreementRow]:
        """The rows of those that exist, by id."""
        return list(
            self.session.exec(
                select(AgreementRow)
                .where(col(AgreementRow.id).in_(agreement_ids))
                .order_by(col(AgreementRow.id))
            )
        )

    def agreement_for_profile(self, profile_id: str) -> AgreementRow | None:
        return self.session.exec(
            select(AgreementRow).where(AgreementRow.profile_id == profile_id)
        ).first()

    def has_agreements(self) -> bool:
        return has_agreements(self.session.connection())

    def agreement_ids(self) -> list[int]:
        rows = self.session.exec(select(AgreementRow.id).order_by(col(AgreementRow.id)))
        return [agreement_id for agreement_id in rows if agreement_id is not None]

    def agreements_granted_to(self, user: str) -> list[int]:
        rows = self.session.exec(
            select(RoleGrantRow.agreement_id)
            .where(RoleGrantRow.user_id == user)
            .order_by(col(RoleGrantRow.agreement_id))
        )
        return list(rows)

    def due_for_alerts(self, now: datetime) -> list[int]:
        """The agreements whose next alert time has come, the longest due first."""
        rows = self.session.exec(
            select(AgreementRow.id)
            .where(col(AgreementRow.next_alert_at) <= now)
            .order_by(col(AgreementRow.next_alert_at))
        )
        return [agreement_id for agreement_id in rows if agreement_id is not None]

    def set_next_alert_at(self, row: AgreementRow, at: datetime | None) -> None:
        row.next_alert_at = at
        self.session.add(row)

    @property
    def alerts(self) -> AlertLedger:
        return AlertLedger(self.session)

    @property
    def announcements(self) -> AnnouncementLedger:
        return AnnouncementLedger(self.session)

    @property
    def deliveries(self) -> DeliveryKeys:
        return DeliveryKeys(self.session)

    def add_agreement(self, row: AgreementRow) -> AgreementRow:
        """Stores `row`, its terms' digest, and the start of its hash chain."""
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        row.terms_digest = terms_digest(row.profile_yaml)
        row.chain_head = genesis(row.id, row.terms_digest)
        self.session.add(row)
        return row

    def grants(self, agreement_id: int) -> dict[str, str]:
        rows = self.session.exec(
            select(RoleGrantRow).where(RoleGrantRow.agreement_id == agreement_id)
        )
        return {row.user_id: row.role for row in rows}

    def grant(self, agreement_id: int, user: str, role: str, by: str, now: datetime) -> None:
        row = self.session.get(RoleGrantRow, (agreement_id, user))
        if row is None:
            row = RoleGrantRow(
                agreement_id=agreement_id, user_id=user, role=role, granted_by=by, granted_at=now
            )
        else:
            row.role, row.granted_by, row.granted_at = role, by, now
        self.session.add(row)

    def revoke(self, agreement_id: int, user: str) -> bool:
        row = self.session.get(RoleGrantRow, (agreement_id, user))
        if row is None:
            return False
        self.session.delete(row)
        return True

    def events(self, agreement_id: int, through_seq: int | None = None) -> list[Event]:
        """`read_events`, with the events appended in this transaction."""
        self.write_appended()
        return read_events(self.session.connection(), agreement_id, through_seq)

    def last_seq(self, agreement_id: int) -> int:
        """The sequence number of the agreement's latest event; 0 for none."""
        self.write_appended()
        latest = self.session.exec(
            select(func.max(EVENT.c.seq)).where(EVENT.c.agreement_id == agreement_id)
        ).one()
        return latest or 0

    def events_by_agreement(self, agreement_ids: Collection[int]) -> dict[int, list[Event]]:
        """`events` for many agreements in one query (each id has a list, maybe empty)."""
        self.write_appended()
        found: dict[int, list[Event]] = {agreement_id: [] for agreement_id in agreement_ids}
        rows = self.session.connection().execute(
            core_select(EVENT)
            .where(EVENT.c.agreement_id.in_(agreement_ids))
            .order_by(EVENT.c.agreement_id, EVENT.c.seq)
        )
        for row in rows:
            found[row.agreement_id].append(event_from_row(row._mapping))
        return found

    def next_seq(self, agreement_id: int) -> int:
        appended = self._last_seq.get(agreement_id)
        if appended is not None:  # the agreement is locked: no one else appends meanwhile
            return appended + 1
        return self.last_seq(agreement_id) + 1

    def append(self, agreement_id: int, event: Event) -> str:
        """Store `event`, chained to the agreement's latest event in this same transaction; its
        chain hash. Appended rows are inserted together, before the events are next read and
        at commit."""
        assert event.recorded_at is not None
        agreement = self.agreement(agreement_id)
        start = genesis(agreement_id, agreement.terms_digest)
        if agreement_id not in self._last_seq:  # the first append here: the chain must hold
            altered = terms_break(agreement.profile_yaml, agreement.terms_digest)
            if altered is not None:
                raise HistoryAltered(altered)
            refuse_altered_tip(start, self.chain_tail(agreement_id), agreement.chain_head)
            found = self.found_break(agreement)
            if found is not None:
                raise HistoryAltered(found)
        chained = event_hash(event, agreement.chain_head or start)
        agreement.chain_head = chained
        self.session.add(agreement)
        self._last_seq[agreement_id] = event.seq
        self._unwritten.append(event_row(agreement_id, event, chained))
        return chained

    def write_appended(self) -> None:
        """Inserts the rows appended since the last call, in one statement."""
        if self._unwritten:
            rows, self._unwritten = self._unwritten, []
            self.session.connection().execute(insert(EVENT), rows)

    def chain_tail(self, agreement_id: int) -> list[ChainedEvent]:
        """The last two stored events of the agreement with their stored hashes, in order."""
        self.write_appended()
        latest = read_chained(
            self.session.connection(),
            core_select(EVENT)
            .where(EVENT.c.agreement_id == agreement_id)
            .order_by(EVENT.c.seq.desc())
            .limit(2),
        )
        return latest[::-1]

    def found_break(self, agreement: AgreementRow | AgreementFields) -> ChainBreak | None:
        """`question_store.found_break`, with the events appended in this transaction."""
        self.write_appended()
        return found_break(self.session.connection(), agreement)

    def note_break(self, agreement: AgreementRow, found: ChainBreak | None) -> None:
        """Keeps what a whole walk of the agreement's chain found: its first break, or none."""
        agreement.break_seq = found.seq if found else None
        agreement.break_how = found.how.value if found else None
        agreement.break_detail = found.detail[:255] if found else None
        self.session.add(agreement)

    def storage_damage(self) -> str | None:
        """What SQLite's integrity check finds wrong with the database file (its first lines);
        None when it is sound, or on PostgreSQL, which checks its pages as it reads them."""
        connection = self.session.connection()
        if connection.dialect.name != "sqlite":
            return None
        try:
            found = [str(line) for (line,) in connection.exec_driver_sql("PRAGMA integrity_check")]
        except DatabaseError as exc:  # damage the check itself cannot read past
            return str(exc.orig)
        return None if found == ["ok"] else "; ".join(found[:3])

    def chained_events(self, agreement_id: int) -> list[ChainedEvent]:
        """Every stored event of the agreement with its stored hash, in sequence order."""
        self.write_appended()
        return read_chained(
            self.session.connection(),
            core_select(EVENT).where(EVENT.c.agreement_id == agreement_id).order_by(EVENT.c.seq),
        )
