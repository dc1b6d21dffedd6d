"""Where the database is and which schema it should have, known without loading SQLAlchemy."""

from __future__ import annotations

import os

DEFAULT_DATABASE_URL = "sqlite:///regrights.sqlite3"
# The newest migration's revision id; tests hold it to the migrations folder.
HEAD = "0008_chain_break"


def sqlite_file(url: str | None) -> str | None:
    """The file of a plain SQLite URL (the default one for None); None for any other database,
    an in-memory one, or a URL with options."""
    url = url or DEFAULT_DATABASE_URL
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return None if path in {"", ":memory:"} else path


def database_url_problem(url: str | None) -> str | None:
    """What is wrong with REGRIGHTS_DATABASE_URL as configured, in words naming the setting;
    None when it names a database regrights can use (it may still be down). The password of a
    URL is never repeated."""
    if not url:
        return None
    scheme, separator, _ = url.partition("://")
    if not separator or not scheme:
        return (
            "REGRIGHTS_DATABASE_URL is not a database URL: write sqlite:///FILE or "
            "postgresql://USER@HOST/DATABASE"
        )
    backend = scheme.split("+", 1)[0].lower()
    if backend not in {"sqlite", "postgresql", "postgres"}:
        return (
            f"REGRIGHTS_DATABASE_URL names a {backend} database: regrights runs on SQLite "
            "(sqlite:///FILE) or PostgreSQL (postgresql://USER@HOST/DATABASE)"
        )
    return None


def missing_sqlite_folder(url: str | None) -> str | None:
    """When the SQLite file of `url` (the default one for None) is in a folder that does not
    exist: why the database cannot be opened, naming the path."""
    path = sqlite_file(url)
    folder = os.path.dirname(os.path.abspath(path)) if path else None
    if folder is None or os.path.isdir(folder):
        return None
    return (
        f"the SQLite database cannot be used: REGRIGHTS_DATABASE_URL names the file {path}, "
        f"in a folder that does not exist ({folder})"
    )


def read_only_folder(path: str) -> str | None:
    """The folder of the SQLite file `path` when it exists but cannot be written (a read-only
    filesystem, or permissions): there the database can only be read, and opened only as
    immutable, since WAL needs to create its `-shm` beside the file. None otherwise."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(folder) and not os.access(folder, os.W_OK):
        return folder
    return None


class ReadOnlyDatabase(Exception):
    """A write to a SQLite database whose folder cannot be written."""

    def __init__(self, path: str, folder: str) -> None:
        super().__init__(
            f"the SQLite database {path} can only be read: its folder {folder} is not writable "
            "(a read-only filesystem, or its permissions); nothing can be recorded"
        )
