"""Drafting a notice: the caller's agreement replayed as of today, then the notice it calls for."""

from __future__ import annotations

from domain.rules.notices import NoticeDraft, draft_notice
from domain.rules.registration import replay
from domain.services.agreement import Caller, terms_from_snapshot
from domain.services.audit import NotBound
from domain.services.grammar import NoticeRequest
from domain.store.unit_of_work import UnitOfWork


class NoticeDesk:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def draft(self, request: NoticeRequest, caller: Caller) -> NoticeDraft:
        """Raises NotBound for an unbound channel, RuleViolation for a notice of something
        that has not happened."""
        with self.uow.read() as store:
            binding = store.binding(caller.channel)
            if binding is None:
                raise NotBound(caller.channel)
            row = store.agreement(binding.agreement_id)
            events = store.events(binding.agreement_id)
        terms = terms_from_snapshot(row.profile_yaml)
        today = caller.as_of or caller.now.astimezone(terms.zone).date()
        return draft_notice(
            request.kind, replay(events, terms), today, request.on or today, request.delivery
        )
