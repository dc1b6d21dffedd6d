"""An event and its stored row, both ways: the one mapping between the domain's Event and the
event table (`schema.EVENT`), for the bulk reads and inserts that skip ORM objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.rules.calendar import Delivery
from domain.rules.events import Event, EventKind, Facts, TerminationGround, WithdrawalGround


def event_row(agreement_id: int, event: Event, chain_hash: str) -> dict[str, Any]:
    facts = event.facts
    return {
        "agreement_id": agreement_id,
        "seq": event.seq,
        "kind": event.kind.value,
        "on": event.on,
        "effective_on": event.effective_on,
        "delivery": facts.delivery.value if facts.delivery else None,
        "shares": facts.shares,
        "days": facts.days,
        "reason": facts.reason,
        "ground": facts.stated_ground,  # a termination's or a withdrawal's
        "planned_filing": facts.planned_filing,
        "retracts": facts.retracts,
        "actor": event.actor,
        "source": event.source,
        "recorded_at": event.recorded_at,
        "chain_hash": chain_hash,
    }


def event_from_row(row: Mapping[Any, Any]) -> Event:
    kind = row["kind"]
    ground = row["ground"]
    return Event(
        seq=row["seq"],
        kind=EventKind(kind),
        on=row["on"],
        effective_on=row["effective_on"],
        facts=Facts(
            delivery=Delivery(row["delivery"]) if row["delivery"] else None,
            shares=row["shares"],
            days=row["days"],
            reason=row["reason"],
            ground=TerminationGround(ground) if ground and kind == EventKind.TERMINATED else None,
            withdrawal=(
                WithdrawalGround(ground) if ground and kind == EventKind.WITHDRAWN else None
            ),
            planned_filing=row["planned_filing"],
            retracts=row["retracts"],
        ),
        actor=row["actor"],
        source=row["source"],
        recorded_at=row["recorded_at"],
        stored_hash=row.get("chain_hash"),
    )
