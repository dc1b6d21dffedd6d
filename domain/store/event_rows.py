"""An event as its stored row holds it, read back into the domain's own Event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.rules.calendar import Delivery
from domain.rules.events import Event, EventKind, Facts, TerminationGround, WithdrawalGround


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
    )
