"""`regrights db upgrade`: bring the schema to the newest migration.

Every start checks the schema's revision, so that check reads the version table directly and
compares it with `HEAD`; Alembic is imported only when there is something to apply."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

from domain.store.location import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: instances starting together on one PostgreSQL migrate one at a time.
_MIGRATION_LOCK = 0x7265677269676874
MIGRATION_SECONDS = 60.0
_VERSION_TABLE = "alembic_version"  # where Alembic records the revision applied


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest revision in the migrations folder, as Alembic reads it (`HEAD` should be it)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None before any migration."""
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, _VERSION_TABLE):
            return None
        revisions = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}"))
        found = revisions.scalars().all()
    if len(found) > 1:
        raise RuntimeError(f"the database records several revisions: {', '.join(found)}")
    return found[0] if found else None


def upgrade(engine: Engine) -> str:
    """Apply pending migrations; returns the revision the database is at."""
    if current_revision(engine) == HEAD:
        return HEAD
    from alembic import command

    config = _config()
    with engine.begin() as connection, _migration_waits(connection):
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return HEAD


def _migration_waits(connection: Connection) -> AbstractContextManager[None]:
    """On PostgreSQL, a process starting while another migrates waits for it, up to a minute."""
    if connection.dialect.name != "postgresql":
        return nullcontext()
    from domain.store.answer_deadline import longer_waits

    return longer_waits(connection, MIGRATION_SECONDS)
