"""Answers to questions, kept while the history they were read from stands.

An answer depends only on the agreement's events, the day and whether the asker may see a
delay's reason. Events are append-only and every change (an undo too) takes the next sequence
number, so (agreement, last sequence number) names a history exactly, across every instance
sharing the database: an answer kept under that name is never stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date

from domain.replies import Reply

AnswerKey = tuple[int, int, bool, date, Hashable]


class AnswerCache:
    def __init__(self, capacity: int = 2048) -> None:
        self._capacity = capacity
        self._answers: OrderedDict[AnswerKey, Reply] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: AnswerKey) -> Reply | None:
        with self._lock:
            reply = self._answers.get(key)
            if reply is not None:
                self._answers.move_to_end(key)
            return reply

    def put(self, key: AnswerKey, reply: Reply) -> None:
        with self._lock:
            self._answers[key] = reply
            self._answers.move_to_end(key)
            while len(self._answers) > self._capacity:
                self._answers.popitem(last=False)
