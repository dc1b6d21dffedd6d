"""Where the database is and which schema it should have, known without loading SQLAlchemy."""

from __future__ import annotations

DEFAULT_DATABASE_URL = "sqlite:///regrights.sqlite3"
# The newest migration's revision id; tests hold it to the migrations folder.
HEAD = "0005_announcements"


def sqlite_file(url: str | None) -> str | None:
    """The file of a plain SQLite URL (the default one for None); None for any other database,
    an in-memory one, or a URL with options."""
    url = url or DEFAULT_DATABASE_URL
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return None if path in {"", ":memory:"} else path
