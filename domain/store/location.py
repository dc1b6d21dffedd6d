"""Where the database is and which schema it should have, known without loading SQLAlchemy."""

from __future__ import annotations

DEFAULT_DATABASE_URL = "sqlite:///regrights.sqlite3"
# The newest migration's revision id; tests hold it to the migrations folder.
HEAD = "0004_calendar_feeds"
