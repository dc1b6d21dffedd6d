"""the hash chain covers the agreement's stored terms

Revision ID: 0007_chained_terms
Revises: 0006_deliveries
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domain.rules.audit_chain import event_hash, genesis, terms_digest
from domain.store.event_rows import event_from_row

revision = "0007_chained_terms"
down_revision = "0006_deliveries"
branch_labels = None
depends_on = None

_EVENT_COLUMNS = (
    "id",
    "agreement_id",
    "seq",
    "kind",
    "delivery",
    "shares",
    "days",
    "reason",
    "ground",
    "retracts",
    "actor",
    "source",
)


def upgrade() -> None:
    op.add_column("agreement", sa.Column("terms_digest", sa.String(length=64), nullable=True))
    # Each agreement's terms are taken as they stand, and its history chained from them.
    _rechain(with_terms=True)


def downgrade() -> None:
    _rechain(with_terms=False)
    op.drop_column("agreement", "terms_digest")


def _rechain(*, with_terms: bool) -> None:
    connection = op.get_bind()
    event = sa.table(
        "event",
        *(sa.column(name) for name in _EVENT_COLUMNS),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
        sa.column("on", sa.Date()),
        sa.column("effective_on", sa.Date()),
        sa.column("planned_filing", sa.Date()),
        sa.column("chain_hash"),
    )
    agreement = sa.table(
        "agreement",
        sa.column("id"),
        sa.column("profile_yaml"),
        sa.column("chain_head"),
        sa.column("terms_digest"),
    )
    found = connection.execute(
        sa.select(agreement.c.id, agreement.c.profile_yaml).order_by(agreement.c.id)
    ).all()
    for agreement_id, profile_yaml in found:
        digest = terms_digest(profile_yaml) if with_terms else None
        head: str | None = genesis(agreement_id, digest)
        rows = connection.execute(
            sa.select(event).where(event.c.agreement_id == agreement_id).order_by(event.c.seq)
        ).all()
        for row in rows:
            head = event_hash(event_from_row(row._mapping), head or "")
            connection.execute(sa.update(event).where(event.c.id == row.id).values(chain_hash=head))
        if not rows and not with_terms:
            head = None  # before 0007 an agreement without events had no latest hash
        values = {"chain_head": head, **({"terms_digest": digest} if with_terms else {})}
        connection.execute(
            sa.update(agreement).where(agreement.c.id == agreement_id).values(**values)
        )
