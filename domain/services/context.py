"""What a command's handler is given: the service, the caller and, for commands on a bound
channel, the agreement as loaded in the command's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from domain.services.agreement import READER, Agreement, Caller

if TYPE_CHECKING:
    from domain.services.service import RegRightsService
    from domain.store.agreement_store import AgreementStore


@dataclass
class Context:
    service: RegRightsService
    caller: Caller
    agreement_loaded: Agreement | None = None
    store_open: AgreementStore | None = None  # a write's transaction; None for questions
    role: str = READER
    insider: bool = False  # may see a delay's reason
    usage: str = ""  # the command's usage line, for its errors

    @property
    def agreement(self) -> Agreement:
        assert self.agreement_loaded is not None, "a command on a bound channel"
        return self.agreement_loaded

    @property
    def store(self) -> AgreementStore:
        assert self.store_open is not None, "a command that writes"
        return self.store_open

    @property
    def today(self) -> date:
        return self.agreement.today(self.caller)
