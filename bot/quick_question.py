"""A question asked through `regrights cmd` of a SQLite database, answered with the standard
library's sqlite3 instead of the ORM, so that the process starts several times faster.

It answers only when it can answer exactly as the full path would: a question (never a write)
on a migrated database that already has an agreement (else `cmd` must set one up first).
Anything else, or any trouble reading, and the full path answers instead."""

from __future__ import annotations

import sqlite3
from datetime import date

from bot.clock import utc_now
from bot.settings import Settings
from domain.services.commands import Access, parse_command
from domain.services.grammar import UsageError
from domain.services.replies import Reply
from domain.services.service import Caller, RegRightsService
from domain.store.plain_sqlite import PlainSqliteReads


def quick_answer(
    text: str, settings: Settings, *, user: str, channel: str, as_of: date | None
) -> Reply | None:
    """The answer to `text`, if it is a question this path may answer; else None."""
    try:
        spec = parse_command(text).spec
    except UsageError:
        return None  # the full path says what is wrong, after setting up an empty database
    if spec.access is not Access.ANYONE or not spec.needs_agreement:
        return None
    try:
        reads = PlainSqliteReads.of_migrated(settings.database_url)
        if reads is None:
            return None
        with reads.read() as store:
            if not store.has_agreements():
                return None
        service = RegRightsService(
            reads,
            settings.local_admins(user),
            profile_dirs=settings.profile_dirs,
            public_url=settings.public_url,
        )
        caller = Caller(user=user, channel=channel, source="cli", now=utc_now(), as_of=as_of)
        return service.handle(text, caller)
    except sqlite3.Error:
        return None  # busy, or worse: the full path waits for the lock or names the trouble
