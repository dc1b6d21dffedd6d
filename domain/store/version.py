"""Which history a question is asked of: the channel's agreement and its last event."""

from __future__ import annotations

from typing import NamedTuple


class AgreementFields(NamedTuple):
    """What a question reads of the agreement's row: columns of `tables.AgreementRow`, by name."""

    id: int
    profile_yaml: str
    terms_digest: str | None
    chain_head: str | None
    break_seq: int | None
    break_how: str | None
    break_detail: str | None


class Version(NamedTuple):
    """A channel's agreement as one asker sees it: the agreement, its last event's sequence
    number (0 for none) and the role granted to the asker there, if any."""

    agreement: AgreementFields
    last_seq: int
    granted: str | None

    @property
    def agreement_id(self) -> int:
        return self.agreement.id


# Every question asks this first, with the agreement's row: one round trip, in plain SQL.
VERSION_SQL = (
    "SELECT (SELECT coalesce(max(e.seq), 0) FROM event e WHERE e.agreement_id = a.id),"
    " (SELECT g.role FROM role_grant g WHERE g.agreement_id = a.id AND g.user_id = :user), "
    + ", ".join(f"a.{column}" for column in AgreementFields._fields)
    + " FROM channel_binding b JOIN agreement a ON a.id = b.agreement_id"
    " WHERE b.channel_id = :channel"
)
