"""The timeline (SPEC §10): its data, drawn by the fronts that can show a picture and given as
data to `regrights cmd --json timeline`."""

from __future__ import annotations

from domain.rules.timeline import timeline
from domain.services.agreement import Agreement, Caller
from domain.services.answers import TimelineView
from domain.services.loading import bound_agreement
from domain.store.unit_of_work import UnitOfWork


def timeline_of(agreement: Agreement, caller: Caller) -> TimelineView:
    today = agreement.today(caller)
    terms = agreement.terms
    return TimelineView(terms.id, terms.title, timeline(agreement.state_on(today), today))


def channel_timeline(uow: UnitOfWork, caller: Caller) -> TimelineView | None:
    """The timeline of the agreement bound to the caller's channel; None if none is."""
    with uow.read() as store:
        agreement = bound_agreement(store, caller.channel, through=caller.as_of)
    return None if agreement is None else timeline_of(agreement, caller)
