"""Alembic environment: run with the connection `domain.store.migrate` hands over."""

from __future__ import annotations

from alembic import context

import domain.store.tables  # noqa: F401  (declares the ORM's tables on the metadata)
from domain.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
