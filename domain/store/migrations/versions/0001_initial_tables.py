"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("profile_yaml", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("alert_leads", sa.String(length=200), nullable=True),
        sa.Column("alert_at", sa.String(length=5), nullable=True),
        sa.Column("next_alert_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_next_alert_at"), ["next_alert_at"], unique=False
        )

    op.create_table(
        "channel_binding",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("bound_by", sa.String(length=64), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
        ),
        sa.PrimaryKeyConstraint("channel_id"),
    )
    with op.batch_alter_table("channel_binding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_binding_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("delivery", sa.String(length=8), nullable=True),
        sa.Column("shares", sa.Integer(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("ground", sa.String(length=16), nullable=True),
        sa.Column("planned_filing", sa.Date(), nullable=True),
        sa.Column("retracts", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "seq", name="uq_event_agreement_seq"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_agreement_id"), ["agreement_id"], unique=False)

    op.create_table(
        "role_grant",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
        ),
        sa.PrimaryKeyConstraint("agreement_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("role_grant")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_agreement_id"))

    op.drop_table("event")
    with op.batch_alter_table("channel_binding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_binding_agreement_id"))

    op.drop_table("channel_binding")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_next_alert_at"))

    op.drop_table("agreement")
