"""Slack delivery keys already acted on; the calendar token kept only as its digest

Revision ID: 0006_deliveries
Revises: 0005_announcements
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_deliveries"
down_revision = "0005_announcements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_seen_at"), ["seen_at"], unique=False)
    # Its digest, stored beside it from the start, is all a request is checked against.
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_column("token")


def downgrade() -> None:
    # The plain tokens are gone: the feeds they opened are dropped, and `calendar link` makes
    # new ones.
    op.execute("DELETE FROM calendar_feed")
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_seen_at"))
    op.drop_table("delivery")
