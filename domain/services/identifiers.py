"""Who asked and where: Slack user and channel ids as the store can keep them, checked the same
way on SQLite and PostgreSQL (SQLite would store what PostgreSQL refuses)."""

from __future__ import annotations

from domain.services.replies import Reply

MAX_ID_LENGTH = 64  # the width of the store's user and channel columns


def id_problem(kind: str, value: str) -> str | None:
    """Why `value` cannot be a user or channel id, or None."""
    if not value:
        return f"the {kind} id is empty"
    if len(value) > MAX_ID_LENGTH:
        return f"the {kind} id is {len(value)} characters long; at most {MAX_ID_LENGTH} are kept"
    if not value.isprintable():
        return f"the {kind} id holds a control character"
    return None


def caller_refusal(user: str, channel: str) -> Reply | None:
    """A malformed-input reply when the caller's user or channel id cannot be kept."""
    problem = id_problem("user", user) or id_problem("channel", channel)
    return None if problem is None else Reply.malformed(f"{problem}; nothing was done", None)
