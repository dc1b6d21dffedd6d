"""Each agreement's replayed state, kept between requests and carried forward event by event.

(agreement, last sequence number) names a history exactly (see caches.py), so a state replayed
from it can be kept under that name. A new event taking effect on or after every standing one
is folded into a fork of the kept state; undoing the latest standing event brings back the
state before it. Anything else (an event dated before a standing one, the undo of an older
one) replays the history, once. So a write costs at most one replay, and usually none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.rules.events import Event, EventKind, live_events
from domain.rules.registration import AgreementState, fold, replay, replay_order
from domain.rules.terms import TermsProfile
from domain.services.caches import HISTORIES_KEPT, Recent

# Where an event falls in a replay: (effective date, sequence number).
Position = tuple[date, int]


@dataclass(frozen=True)
class Snapshot:
    """The state after every event up to `last_seq`. Never changed once made: other threads
    may be reading it."""

    last_seq: int
    state: AgreementState
    latest: Position | None  # the standing event folded in last, if any
    before_latest: Snapshot | None = None  # the same history without it, when known

    @classmethod
    def replayed(cls, events: list[Event], terms: TermsProfile) -> Snapshot:
        """`events` (a whole history, in order) replayed; raises RuleViolation as replay does."""
        standing = live_events(events)
        return cls(
            last_seq=events[-1].seq if events else 0,
            state=replay(standing, terms),
            latest=max(map(replay_order, standing), default=None),
        )

    def after(self, event: Event, history: list[Event]) -> Snapshot:
        """The snapshot once `event` follows `history` (the events this one holds); raises
        RuleViolation when the rules refuse the history with it. This one is left unchanged."""
        if _foldable(self, event):
            return self._step(event)
        return Snapshot.replayed([*history, event], self.state.terms)

    def carried(self, history: list[Event]) -> Snapshot:
        """The snapshot for `history`, which begins with the events this one holds: newer
        events are folded in one by one, or the whole history replayed once if one cannot be."""
        newer = _after_seq(history, self.last_seq)
        snapshot = self
        for event in newer:
            if not _foldable(snapshot, event):
                return Snapshot.replayed(history, self.state.terms)
            snapshot = snapshot._step(event)
        return snapshot

    def _step(self, event: Event) -> Snapshot:
        """`after` for an event `_foldable` says needs no replay."""
        if event.kind is EventKind.RETRACTION:
            assert self.before_latest is not None
            before = self.before_latest
            return Snapshot(event.seq, before.state, before.latest)
        state = self.state.fork()
        fold(state, event)
        # The state before this event is kept for an undo of it, without its own before.
        previous = Snapshot(self.last_seq, self.state, self.latest)
        return Snapshot(event.seq, state, replay_order(event), previous)

    def takes_effect_after(self, day: date, history: list[Event]) -> list[date]:
        """The dates after `day` on which a standing event of `history` (the events this one
        holds) takes effect; found without reading the history when none does."""
        if self.latest is None or self.latest[0] <= day:
            return []
        return [e.effective_on for e in live_events(history) if e.effective_on > day]


class Snapshots:
    """The latest snapshot of each agreement read or written here; thread-safe."""

    def __init__(self, capacity: int = HISTORIES_KEPT) -> None:
        self._kept: Recent[int, Snapshot] = Recent(capacity)

    def of(self, agreement_id: int, terms: TermsProfile, history: list[Event]) -> Snapshot:
        """The snapshot for `history`, the agreement's committed events in order."""
        last_seq = history[-1].seq if history else 0
        kept = self._kept.get(agreement_id)
        if kept is None or kept.state.terms is not terms or kept.last_seq > last_seq:
            snapshot = Snapshot.replayed(history, terms)
        else:
            snapshot = kept.carried(history)
        self.keep(agreement_id, snapshot)
        return snapshot

    def keep(self, agreement_id: int, snapshot: Snapshot) -> None:
        """Keeps `snapshot`, made from committed events only, unless a newer one is kept."""
        kept = self._kept.get(agreement_id)
        if kept is None or kept.last_seq < snapshot.last_seq:
            self._kept.put(agreement_id, snapshot)


def _after_seq(history: list[Event], seq: int) -> list[Event]:
    start = len(history)
    while start > 0 and history[start - 1].seq > seq:
        start -= 1
    return history[start:]


def _foldable(snapshot: Snapshot, event: Event) -> bool:
    """Whether `after` folds `event` in (or steps back from it) without a replay."""
    if event.kind is EventKind.RETRACTION:
        latest = snapshot.latest
        return (
            latest is not None
            and event.facts.retracts == latest[1]
            and snapshot.before_latest is not None
        )
    return snapshot.latest is None or replay_order(event) > snapshot.latest
