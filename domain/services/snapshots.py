"""Each agreement's replayed state, kept between requests under the history version it was
replayed from.

Events are append-only (an undo is itself a new event), and an agreement's writers take
sequence numbers one at a time under its lock: once event n is visible every earlier one is
too, and none ever changes. So (agreement, last sequence number) names a history exactly, on
every instance sharing the database, and a state kept under that name is never stale. A
position as of a day D is replayed from the events dated on or before D alone, and kept under
(agreement, last sequence number, D).

A write folds its event into the state it read (`Snapshot.after`) when the event takes effect
on or after every standing one, or steps back when it undoes the latest one; anything else is
replayed once. Its result is kept once committed, so the next request replays nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cachetools import LRUCache

from domain.rules.events import Event, EventKind, live_events
from domain.rules.registration import AgreementState, fold, replay, replay_order, standing_on
from domain.rules.terms import TermsProfile

# Where an event falls in a replay: (effective date, sequence number).
Position = tuple[date, int]
# (agreement, last sequence number, the day the events are dated through: None for all)
HistoryKey = tuple[int, int, date | None]
HISTORIES_KEPT = 1024


@dataclass(frozen=True)
class Snapshot:
    """The state after every event up to `last_seq`. Never changed once made: other threads
    may be reading it."""

    last_seq: int
    state: AgreementState
    latest: Position | None  # the standing event folded in last, if any
    before_latest: Snapshot | None = None  # the same history without it, when known
    last_dated: date | None = None  # the latest date any event of the history bears

    @classmethod
    def replayed(cls, events: list[Event], terms: TermsProfile) -> Snapshot:
        """`events` (a whole history, in order) replayed; raises RuleViolation as replay does."""
        standing = live_events(events)
        return cls(
            last_seq=events[-1].seq if events else 0,
            state=replay(standing, terms),
            latest=max(map(replay_order, standing), default=None),
            last_dated=max((e.on for e in events), default=None),
        )

    def after(self, event: Event, history: list[Event]) -> Snapshot:
        """The snapshot once `event` follows `history` (the events this one holds); raises
        RuleViolation when the rules refuse the history with it. This one is left unchanged."""
        if _foldable(self, event):
            return self._step(event)
        return Snapshot.replayed([*history, event], self.state.terms)

    def _step(self, event: Event) -> Snapshot:
        """`after` for an event `_foldable` says needs no replay."""
        last_dated = max(self.last_dated or event.on, event.on)
        if event.kind is EventKind.RETRACTION:
            assert self.before_latest is not None
            before = self.before_latest
            return Snapshot(event.seq, before.state, before.latest, last_dated=last_dated)
        state = self.state.fork()
        fold(state, event)
        # The state before this event is kept for an undo of it, without its own before.
        previous = Snapshot(self.last_seq, self.state, self.latest, last_dated=self.last_dated)
        return Snapshot(event.seq, state, replay_order(event), previous, last_dated)

    def takes_effect_after(self, day: date, history: list[Event]) -> list[date]:
        """The dates after `day` on which a standing event of `history` (the events this one
        holds) takes effect; found without reading the history when none does."""
        if self.latest is None or self.latest[0] <= day:
            return []
        return [e.effective_on for e in live_events(history) if e.effective_on > day]


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


@dataclass(frozen=True)
class History:
    """One version of an agreement's history: its events in order, and the snapshot replayed
    from them."""

    events: tuple[Event, ...]
    snapshot: Snapshot

    @classmethod
    def of(cls, events: list[Event], snapshot: Snapshot) -> History:
        return cls(tuple(events), snapshot)

    def dated_through(self, day: date, terms: TermsProfile) -> History:
        """The history as it stood on `day`: its events dated on or before it, and the state
        of those that stood then (SPEC §12)."""
        last_dated = self.snapshot.last_dated
        if last_dated is None or last_dated <= day:
            return self
        dated = [e for e in self.events if e.on <= day]
        standing, state = standing_on(list(self.events), terms, day)
        snapshot = Snapshot(
            last_seq=dated[-1].seq if dated else 0,
            state=state,
            latest=max(map(replay_order, standing), default=None),
            last_dated=max((e.on for e in dated), default=None),
        )
        return History.of(dated, snapshot)


class Snapshots:
    """Histories replayed here, by version, the least recently used leaving first; once a
    newer version of an agreement's history is kept, its older ones go. Thread-safe."""

    def __init__(self, capacity: int = HISTORIES_KEPT) -> None:
        self._kept: LRUCache[HistoryKey, History] = LRUCache(maxsize=capacity)
        self._keys: dict[int, set[HistoryKey]] = {}  # per agreement, what may still be kept
        self._lock = threading.Lock()

    def history(
        self,
        agreement_id: int,
        last_seq: int,
        terms: TermsProfile,
        read: Callable[[], list[Event]],
        through: date | None = None,
    ) -> History:
        """The history whose latest event is `last_seq`, read by `read` when not kept; with
        `through`, as it stood that day."""
        whole = self._get((agreement_id, last_seq, None))
        if whole is None:
            events = read()
            whole = History.of(events, Snapshot.replayed(events, terms))
            self.keep(agreement_id, whole)
        last_dated = whole.snapshot.last_dated
        if through is None or last_dated is None or last_dated <= through:
            return whole
        key = (agreement_id, last_seq, through)
        dated = self._get(key)
        if dated is None:
            dated = whole.dated_through(through, terms)
            self._put(key, dated)
        return dated

    def keep(self, agreement_id: int, history: History) -> None:
        """Keeps `history`, which holds committed events only."""
        self._put((agreement_id, history.snapshot.last_seq, None), history)

    def _get(self, key: HistoryKey) -> History | None:
        with self._lock:
            return self._kept.get(key)

    def _put(self, key: HistoryKey, history: History) -> None:
        agreement_id, last_seq, _ = key
        with self._lock:
            keys = self._keys.setdefault(agreement_id, set())
            if any(other[1] > last_seq for other in keys if other in self._kept):
                return  # a newer version is kept: this one will not be asked for again
            for older in [other for other in keys if other[1] < last_seq]:
                keys.discard(older)
                self._kept.pop(older, None)
            keys.add(key)
            self._kept[key] = history
