"""Refusals: a rule of the agreement, with its section and when it would allow the act."""

from __future__ import annotations

from datetime import date


class RuleViolation(Exception):
    """The agreement forbids this; `section` cites it, `allowed_on` says when it would not."""

    def __init__(self, section: str | None, message: str, allowed_on: date | None = None) -> None:
        self.section = section
        self.message = message
        self.allowed_on = allowed_on
        self.seq: int | None = None  # the event being replayed when the rule refused
        super().__init__(message)
