"""What the service keeps between requests: each agreement's history, and answers read from it.

Events are append-only: an undo is itself a new event. An agreement's writers take sequence
numbers one at a time under its lock, so once event n is visible every earlier one is too, and
none ever changes. Hence a history read once needs only its newer events read again, and
(agreement, last sequence number) names a history exactly, on every instance sharing the
database: an answer kept under that name is never stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date
from typing import Generic, TypeVar

from domain.rules.events import Event
from domain.store.ports import ReadStore

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# An answer depends only on the history, whether the asker may see a delay's reason, the day
# and the question: (agreement, last sequence number, insider, day, question).
AnswerKey = tuple[int, int, bool, date, Hashable]
ANSWERS_KEPT = 2048
HISTORIES_KEPT = 1024


class Recent(Generic[K, V]):
    """At most `capacity` entries, the least recently used leaving first; thread-safe."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)


class HistoryCache:
    """Each agreement's events as last read; a read asks the database only for newer ones."""

    def __init__(self) -> None:
        self._histories: Recent[int, tuple[Event, ...]] = Recent(HISTORIES_KEPT)

    def read(self, store: ReadStore, agreement_id: int) -> list[Event]:
        """Every event `store`'s transaction sees, and perhaps newer ones another thread has
        read since: in order, and in a fresh list each time."""
        known = self._histories.get(agreement_id) or ()
        newer = store.events(agreement_id, after=known[-1].seq if known else 0)
        if not newer:
            return list(known)
        # Any history kept is a prefix of the true one, so a concurrent read storing a shorter
        # one only costs a longer read next time.
        history = (*known, *newer)
        self._histories.put(agreement_id, history)
        return list(history)
