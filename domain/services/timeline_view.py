"""The timeline (SPEC §10): its data for the picture, and the same data as an answer where no
picture can be shown (the console, `regrights cmd --json timeline`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from domain.rules.timeline import Timeline, timeline
from domain.services.agreement import Agreement, Caller
from domain.services.loading import bound_agreement
from domain.services.replies import Reply
from domain.services.wording import day, days, section
from domain.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AgreementTimeline:
    agreement: str
    title: str
    timeline: Timeline


def timeline_of(agreement: Agreement, caller: Caller) -> AgreementTimeline:
    today = agreement.today(caller)
    return AgreementTimeline(
        agreement.terms.id, agreement.terms.title, timeline(agreement.state(), today)
    )


def channel_timeline(uow: UnitOfWork, caller: Caller) -> AgreementTimeline | None:
    """The timeline of the agreement bound to the caller's channel; None if none is."""
    with uow.read() as store:
        agreement = bound_agreement(store, caller.channel)
    return None if agreement is None else timeline_of(agreement, caller)


def timeline_data(view: AgreementTimeline) -> dict[str, Any]:
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


def timeline_reply(view: AgreementTimeline) -> Reply:
    return Reply(ok=True, text=timeline_text(view), data=timeline_data(view))


def timeline_text(view: AgreementTimeline) -> str:
    t = view.timeline
    lines = [
        f"*{view.title}* — timeline as of {day(t.as_of)} "
        "(in Slack, `/regrights timeline` draws it; here, `regrights timeline --out FILE.png`)",
        f"Allowed Delay ({section(t.delay_section)}): {days(t.days_used_12m)} used of "
        f"{t.max_days} in the {t.period_months} months ending today; next may begin "
        + (day(t.next_start_allowed) if t.next_start_allowed else "never"),
    ]
    lines += [
        f"• Delay {day(d.start)} to {day(d.expires)} ({days(d.days)})"
        + (" — running" if d.running else "")
        for d in t.delays
    ]
    lines += [
        f"• {t.period_months}-month window {day(w.first)} to {day(w.end - timedelta(days=1))}: "
        f"{days(w.days_used)} of {t.max_days}"
        for w in t.windows
        if w.opened_by is not None
    ]
    lines += [f"• {day(d.due)} — {d.title} ({section(d.section)})" for d in t.deadlines]
    return "\n".join(lines)
