"""An agreement read whole (its row, terms and events) for the use cases outside the service."""

from __future__ import annotations

from domain.services.agreement import Agreement, terms_from_snapshot
from domain.store.ports import ReadStore


def agreement_by_id(store: ReadStore, agreement_id: int) -> Agreement:
    row = store.agreement(agreement_id)
    return Agreement(row, terms_from_snapshot(row.profile_yaml), store.events(agreement_id))


def bound_agreement(store: ReadStore, channel: str) -> Agreement | None:
    binding = store.binding(channel)
    return None if binding is None else agreement_by_id(store, binding.agreement_id)
