"""What the use cases need of the store, as protocols: the ORM-backed store (`unit_of_work`)
and the plain SQLite reader (`plain_sqlite`) both provide them. Importing this module loads no
database library, so a question can be answered without the ORM's import cost."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from domain.rules.events import Event
from domain.store.version import Version

if TYPE_CHECKING:
    from domain.store.unit_of_work import AgreementStore


class AgreementFields(Protocol):
    """An agreement's stored row."""

    id: int | None
    profile_id: str
    profile_yaml: str
    created_at: datetime
    created_by: str
    alert_leads: str | None
    alert_at: str | None
    next_alert_at: datetime | None
    chain_head: str | None
    terms_digest: str | None


class BindingFields(Protocol):
    agreement_id: int


class ReadStore(Protocol):
    """One read transaction."""

    def version(self, channel_id: str, user: str) -> Version | None: ...

    def binding(self, channel_id: str) -> BindingFields | None: ...

    def agreement(self, agreement_id: int) -> AgreementFields: ...

    def agreement_for_profile(self, profile_id: str) -> AgreementFields | None: ...

    def has_agreements(self) -> bool: ...

    def agreement_ids(self) -> list[int]: ...

    def agreements_granted_to(self, user: str) -> list[int]: ...

    def channels_of(self, agreement_id: int) -> list[str]: ...

    def grants(self, agreement_id: int) -> dict[str, str]: ...

    def events(self, agreement_id: int, after: int = 0) -> list[Event]: ...


class Transactions(Protocol):
    """Read and write transactions on one database."""

    def read(self) -> AbstractContextManager[ReadStore]: ...

    def write(self) -> AbstractContextManager[AgreementStore]: ...

    def quick_version(self, channel_id: str, user: str) -> Version | None: ...
