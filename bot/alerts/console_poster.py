"""Alerts printed where someone is typing commands: `regrights console` and a `tick` without
Slack credentials."""

from __future__ import annotations

import itertools
import sys
import threading
from datetime import datetime
from typing import TextIO

from bot.alerts.poster import AlertMessage
from bot.render.markup import PLAIN


class ConsolePoster:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self._printed: dict[tuple[str, str], str] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def post(self, channel: str, message: AlertMessage) -> str:
        with self._lock:
            ts = f"console.{next(self._numbers)}"
            self.out.write(f"\n[alert #{channel}] {PLAIN.inline(message.text)}\n")
            self.out.flush()
            self._printed[(channel, message.key)] = ts
            return ts

    def find(self, channel: str, key: str, since: datetime) -> str | None:
        with self._lock:
            return self._printed.get((channel, key))
