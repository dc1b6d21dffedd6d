"""Which history a question is asked of: the channel's agreement and its last event."""

from __future__ import annotations

from typing import NamedTuple


class Version(NamedTuple):
    """A channel's agreement as one asker sees it: the agreement, its last event's sequence
    number (0 for none) and the role granted to the asker there, if any."""

    agreement_id: int
    last_seq: int
    granted: str | None


# Every question asks this first, so it is plain SQL: the ORM's statement building cost more
# than the query itself.
VERSION_SQL = (
    "SELECT b.agreement_id,"
    " (SELECT coalesce(max(e.seq), 0) FROM event e WHERE e.agreement_id = b.agreement_id),"
    " (SELECT g.role FROM role_grant g"
    "   WHERE g.agreement_id = b.agreement_id AND g.user_id = :user)"
    " FROM channel_binding b WHERE b.channel_id = :channel"
)
