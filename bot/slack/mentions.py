"""Users named in Slack commands. Slack resolves `@name` to `<@U…|name>` (or `<@W…>` on
Enterprise Grid) only when it matches a member; otherwise the plain text arrives, and a role
granted to "jane" would be granted to no one. From Slack only resolved mentions are taken."""

from __future__ import annotations

import re

from domain.services.replies import Reply

_NAMES_A_USER = {"grant", "revoke"}
_RESOLVED = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def unresolved_mention(text: str) -> Reply | None:
    """The reply for a `grant`/`revoke` whose user is not a resolved mention; else None."""
    words = text.split()
    if len(words) < 2 or words[0].lower() not in _NAMES_A_USER or _RESOLVED.fullmatch(words[1]):
        return None
    return Reply.malformed(
        f"`{words[1][:40]}` is not a Slack user Slack recognised: type @ and pick the person "
        "from the list Slack offers, so that the name turns into a link before you send",
        f"{words[0].lower()} <@user>" + (" editor|admin" if words[0].lower() == "grant" else ""),
    )
