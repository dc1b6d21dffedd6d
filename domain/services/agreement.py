"""An agreement as a use case sees it: loaded in a transaction, for one caller on one day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING

from domain.rules.audit_chain import ChainBreak, ChainedEvent, genesis, terms_break, tip_break
from domain.rules.calendar import BusinessCalendar
from domain.rules.events import Event
from domain.rules.registration import AgreementState, position_on
from domain.rules.stored_terms import terms_from_stored
from domain.rules.terms import TermsProfile
from domain.services.snapshots import Snapshot
from domain.store.version import AgreementFields

if TYPE_CHECKING:
    from domain.store.tables import AgreementRow

DEFAULT_PROFILE = "nstor-2002"
READER, EDITOR, ADMIN = "reader", "editor", "admin"


@dataclass(frozen=True)
class Caller:
    """Who is asking, from where, and when. `as_of` overrides today (the agreement's timezone)."""

    user: str
    channel: str
    source: str
    now: datetime
    as_of: date | None = None


@dataclass
class Agreement:
    """An agreement loaded inside a transaction: its row (for a question, only the fields it
    reads), terms, events in order and, when known, the snapshot replayed from them."""

    row: AgreementRow | AgreementFields
    terms: TermsProfile
    events: list[Event]
    _snapshot: Snapshot | None = None
    # The whole history's last events, when `events` holds it only as it stood on a day.
    tail: list[Event] | None = None
    # The break a whole walk of the chain found, if its event still failed its hash when loaded.
    found_break: ChainBreak | None = None

    @property
    def id(self) -> int:
        assert self.row.id is not None
        return self.row.id

    @property
    def stored(self) -> AgreementRow:
        """The whole row, as a store loaded it (a question reads only `AgreementFields`)."""
        assert not isinstance(self.row, AgreementFields), "an agreement loaded by a store"
        return self.row

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.terms.notices.holiday_calendar)

    def today(self, caller: Caller) -> date:
        return caller.as_of or caller.now.astimezone(self.terms.zone).date()

    def clock(self, caller: Caller) -> datetime:
        """The moment the caller acts at: with `as_of`, this time of day on that date."""
        if caller.as_of is None:
            return caller.now
        local = caller.now.astimezone(self.terms.zone)
        return local.replace(year=caller.as_of.year, month=caller.as_of.month, day=caller.as_of.day)

    def state(self) -> AgreementState:
        return self.snapshot().state

    def state_on(self, day: date) -> AgreementState:
        """The agreement as it stood on `day`: from the standing events dated on or before it
        (SPEC §12). The kept snapshot when no event is dated after `day`."""
        snapshot = self.snapshot()
        if snapshot.last_dated is None or snapshot.last_dated <= day:
            return snapshot.state
        return position_on(self.events, self.terms, day)

    def history_break(self) -> ChainBreak | None:
        """A break in the stored terms or at the tip of the stored hash chain, as read, or the
        one the daily verification found further back while it still holds (SPEC §12)."""
        last = self.tail if self.tail is not None else self.events[-2:]
        tail = [ChainedEvent(e, e.stored_hash) for e in last]
        start = genesis(self.id, self.row.terms_digest)
        return (
            terms_break(self.row.profile_yaml, self.row.terms_digest)
            or tip_break(start, tail, self.row.chain_head)
            or self.found_break
        )

    def snapshot(self) -> Snapshot:
        """The snapshot of `events` as they stand."""
        last_seq = self.events[-1].seq if self.events else 0
        if self._snapshot is None or self._snapshot.last_seq != last_seq:
            self._snapshot = Snapshot.replayed(self.events, self.terms)
        return self._snapshot

    def append(self, event: Event, after: Snapshot) -> None:
        """Adds `event`, not yet committed, with `after`, the snapshot it gives."""
        self.events.append(event)
        self._snapshot = after

    def takes_effect_after(self, day: date) -> list[date]:
        """The dates after `day` on which a standing event takes effect."""
        return self.snapshot().takes_effect_after(day, self.events)


def alert_leads(agreement: Agreement) -> list[int]:
    """The lead days of the agreement's alerts: `remind leads`, else the profile's."""
    row = agreement.stored
    if row.alert_leads:
        return [int(lead) for lead in row.alert_leads.split(",")]
    return list(agreement.terms.alerts.lead_days)


def alert_time(agreement: Agreement) -> time:
    """The hour of the agreement's alerts: `remind at`, else the profile's."""
    row = agreement.stored
    return time.fromisoformat(row.alert_at) if row.alert_at else agreement.terms.alerts.at


@lru_cache(maxsize=64)
def terms_from_snapshot(profile_yaml: str) -> TermsProfile:
    return terms_from_stored(profile_yaml)
