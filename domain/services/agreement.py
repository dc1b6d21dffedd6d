"""An agreement as a use case sees it: loaded in a transaction, for one caller on one day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from domain.rules.calendar import BusinessCalendar
from domain.rules.events import Event
from domain.rules.registration import AgreementState, replay
from domain.rules.terms import TermsProfile, parse_profile
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
    """An agreement loaded inside a transaction."""

    row: AgreementRow
    terms: TermsProfile
    events: list[Event]

    @property
    def id(self) -> int:
        assert self.row.id is not None
        return self.row.id

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
        return replay(self.events, self.terms)


@lru_cache(maxsize=64)
def terms_from_snapshot(profile_yaml: str) -> TermsProfile:
    return parse_profile(profile_yaml, "stored profile")
