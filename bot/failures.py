"""Failures as one line and an exit status (SPEC §11): malformed input or bad configuration,
or unavailable (the database, Slack). `describe` names what went wrong from the exception."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.rules.audit_chain import HistoryAltered
from domain.rules.terms import ProfileError
from domain.services.replies import ExitCode

if TYPE_CHECKING:
    from slack_sdk.errors import SlackApiError
    from sqlalchemy.exc import DBAPIError

# Slack's answers to auth.test that mean the token itself is wrong, not that Slack is down.
_BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


@dataclass(frozen=True)
class Failure(Exception):
    """A failure already put into words, with its exit status."""

    message: str
    exit_code: ExitCode

    def __str__(self) -> str:
        return self.message


def describe(exc: BaseException) -> Failure | None:
    """The failure `exc` stands for, or None when it is a bug (shown as one)."""
    if isinstance(exc, Failure):
        return exc
    if isinstance(exc, ProfileError):
        return Failure(str(exc), ExitCode.MALFORMED)
    if isinstance(exc, HistoryAltered):
        return Failure(str(exc), ExitCode.UNAVAILABLE)
    # Only a process that imported slack_sdk can have a Slack error: a `cmd` never imports it.
    slack = sys.modules.get("slack_sdk.errors")
    if slack is not None and isinstance(exc, slack.SlackApiError):
        return slack_api_failure(exc)
    if slack is not None and isinstance(exc, slack.SlackClientError):
        return Failure(f"Slack is unreachable ({_first_line(exc)})", ExitCode.UNAVAILABLE)
    # Likewise a database error: a failure before the store was opened loads no SQLAlchemy.
    database = sys.modules.get("sqlalchemy.exc")
    if database is None:
        return None
    if isinstance(exc, database.TimeoutError):
        return Failure(f"the database is busy: {_first_line(exc)}", ExitCode.UNAVAILABLE)
    if isinstance(exc, database.DBAPIError):
        return _database_failure(exc)
    if isinstance(exc, database.SQLAlchemyError):
        return Failure(f"database error: {_first_line(exc)}", ExitCode.UNAVAILABLE)
    return None


def slack_api_failure(exc: SlackApiError) -> Failure:
    error = str(exc.response.get("error", "")) if exc.response is not None else ""
    if error in _BAD_TOKEN:
        return Failure(f"Slack refused SLACK_BOT_TOKEN ({error})", ExitCode.MALFORMED)
    return Failure(f"Slack answered with an error ({error or 'unknown'})", ExitCode.UNAVAILABLE)


def _database_failure(exc: DBAPIError) -> Failure:
    original = exc.orig
    detail = _first_line(original) if original is not None else _first_line(exc)
    if isinstance(original, sqlite3.OperationalError):
        if "locked" in detail or "busy" in detail:
            return Failure(
                "the database is busy with another write and stayed locked past the wait; "
                "nothing was recorded, try again",
                ExitCode.UNAVAILABLE,
            )
        return Failure(f"the SQLite database cannot be used: {detail}", ExitCode.UNAVAILABLE)
    return Failure(f"the database is unavailable: {detail}", ExitCode.UNAVAILABLE)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__
