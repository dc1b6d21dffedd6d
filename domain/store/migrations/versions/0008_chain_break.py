"""the break the daily verification found in an agreement's hash chain

Revision ID: 0008_chain_break
Revises: 0007_chained_terms
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_chain_break"
down_revision = "0007_chained_terms"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("break_seq", sa.Integer(), nullable=True),
        sa.Column("break_how", sa.String(length=16), nullable=True),
        sa.Column("break_detail", sa.String(length=255), nullable=True),
    ]


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0003: a batch copy of `agreement` would trip SQLite's foreign
    # keys from the tables that refer to it. Nothing is found until the next verification.
    for column in _columns():
        op.add_column("agreement", column)


def downgrade() -> None:
    for column in reversed(_columns()):
        op.drop_column("agreement", column.name)
