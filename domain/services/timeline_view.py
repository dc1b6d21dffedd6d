"""The timeline (SPEC §10): its data, drawn by the fronts that can show a picture and given as
data to `regrights cmd --json timeline`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.rules.timeline import timeline
from domain.services.agreement import Agreement, Caller
from domain.services.answers import TimelineView
from domain.services.loading import bound_agreement
from domain.store.unit_of_work import UnitOfWork


def timeline_of(agreement: Agreement, caller: Caller) -> TimelineView:
    today = agreement.today(caller)
    terms = agreement.terms
    return TimelineView(terms.id, terms.title, timeline(agreement.state(), today))


def channel_timeline(uow: UnitOfWork, caller: Caller) -> TimelineView | None:
    """The timeline of the agreement bound to the caller's channel; None if none is."""
    with uow.read() as store:
        agreement = bound_agreement(store, caller.channel, through=caller.as_of)
    return None if agreement is None else timeline_of(agreement, caller)


def timeline_data(view: TimelineView) -> dict[str, Any]:
    t = view.timeline
    return {
        "ok": True,
        "as_of": t.as_of.isoformat(),
        "agreement": view.agreement,
        "delay_limit": {"max_days": t.max_days, "period_months": t.period_months},
        "days_used_12m": t.days_used_12m,
        "next_start_allowed": t.next_start_allowed.isoformat() if t.next_start_allowed else None,
        "delays": [
            {
                "start": d.start.isoformat(),
                "expires": d.expires.isoformat(),
                "days": d.days,
                "running": d.running,
            }
            for d in t.delays
        ],
        "windows": [
            {
                "first": w.first.isoformat(),
                "last": (w.end - timedelta(days=1)).isoformat(),
                "days_used": w.days_used,
                "opened_by": w.opened_by.isoformat() if w.opened_by else None,
            }
            for w in t.windows
        ],
        "deadlines": [
            {"kind": d.kind, "section": d.section, "title": d.title, "due": d.due.isoformat()}
            for d in t.deadlines
        ],
    }
