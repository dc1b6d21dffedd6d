"""Dates that can be true (SPEC §12): no event before the agreement's date, no filing planned
for a day already past when the plan is made, and no event dated before the event it rests on."""

from __future__ import annotations

from datetime import date

from domain.rules.events import Event, EventKind, live_events
from domain.rules.terms import TermsProfile

# What each kind of event rests on, and how a refusal names it.
_RESTS_ON: dict[EventKind, tuple[frozenset[EventKind], str]] = {
    EventKind.HOLDERS_NOTIFIED: (frozenset({EventKind.DEMAND}), "the demand"),
    EventKind.FILED: (frozenset({EventKind.DEMAND}), "the demand it registers"),
    EventKind.EFFECTIVE: (frozenset({EventKind.FILED}), "the filing"),
    EventKind.RESUME: (
        frozenset({EventKind.SUSPEND, EventKind.STOP_ORDER}),
        "the suspension of sales",
    ),
    EventKind.DELAY_EXTEND: (frozenset({EventKind.DELAY}), "the delay"),
    EventKind.DELAY_END: (frozenset({EventKind.DELAY}), "the delay"),
    EventKind.PIGGYBACK_REQUESTED: (
        frozenset({EventKind.PIGGYBACK_NOTICE}),
        "the piggyback notice",
    ),
}


def impossible_date(history: list[Event], event: Event, terms: TermsProfile) -> str | None:
    """Why `event`, to follow `history`, cannot be dated as it is; None when it can."""
    if event.on < terms.dated:
        return f"{event.on} is before the agreement's date ({terms.dated})"
    planned = event.facts.planned_filing
    if event.kind is EventKind.FILING_PLANNED and planned is not None and planned < event.on:
        return (
            f"the anticipated filing date {planned} is before the day the plan was made "
            f"({event.on})"
        )
    rests_on = _RESTS_ON.get(event.kind)
    if rests_on is None:
        return None
    kinds, what = rests_on
    grounds = [e for e in live_events(history) if e.kind in kinds]
    # With none at all, the rules say what is missing; one given by then is enough.
    if not grounds or any(e.on <= event.on for e in grounds):
        return None
    first = min(grounds, key=lambda e: (e.on, e.seq))
    return (
        f"`{event.kind.value}` on {event.on} is dated before {what} "
        f"(#{first.seq}, {first.kind.value} on {first.on})"
    )


def request_received_on(history: list[Event], on: date) -> date:
    """When the rules take an Investor's piggyback request made on `on` to be received: that
    day, or, for a request made after the notice was deposited and before it took effect
    (§9(b)), the day the notice took effect, so that it answers that notice."""
    notices = [e for e in live_events(history) if e.kind is EventKind.PIGGYBACK_NOTICE]
    latest = max((e for e in notices if e.on <= on), key=lambda e: e.seq, default=None)
    return max(on, latest.effective_on) if latest is not None else on
