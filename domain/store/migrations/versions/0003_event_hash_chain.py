"""event hash chain

Revision ID: 0003_event_hash_chain
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domain.rules.audit_chain import event_hash, genesis
from domain.store.event_rows import event_from_row

revision = "0003_event_hash_chain"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch copy of `agreement` would trip SQLite's
    # foreign keys from the tables that refer to it.
    op.add_column("event", sa.Column("chain_hash", sa.String(length=64), nullable=True))
    op.add_column("agreement", sa.Column("chain_head", sa.String(length=64), nullable=True))
    # The history recorded so far is taken as it stands and chained, agreement by agreement.
    connection = op.get_bind()
    event = sa.table(
        "event",
        *(
            sa.column(name)
            for name in (
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
        ),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
        sa.column("on", sa.Date()),
        sa.column("effective_on", sa.Date()),
        sa.column("planned_filing", sa.Date()),
        sa.column("chain_hash"),
    )
    agreement = sa.table("agreement", sa.column("id"), sa.column("chain_head"))
    ids = connection.execute(sa.select(agreement.c.id).order_by(agreement.c.id)).scalars()
    for agreement_id in list(ids):
        head = genesis(agreement_id)
        rows = connection.execute(
            sa.select(event).where(event.c.agreement_id == agreement_id).order_by(event.c.seq)
        ).all()
        for row in rows:
            head = event_hash(event_from_row(row._mapping), head)
            connection.execute(sa.update(event).where(event.c.id == row.id).values(chain_hash=head))
        if rows:
            connection.execute(
                sa.update(agreement).where(agreement.c.id == agreement_id).values(chain_head=head)
            )


def downgrade() -> None:
    op.drop_column("agreement", "chain_head")
    op.drop_column("event", "chain_hash")
