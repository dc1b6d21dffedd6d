"""Throwaway databases for the tests, each test its own, empty or already migrated.

Migrating takes a good part of a second. A migrated database is therefore a copy of one
migrated once per test process: for SQLite the file, for PostgreSQL a database made with
`CREATE DATABASE ... TEMPLATE` (a tenth of a second). PostgreSQL's databases are dropped
when the test process ends, not after each test: every DROP DATABASE waits for a checkpoint
of the whole server, which, while tests write, took a second."""

from __future__ import annotations

import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.wiring import open_database

_DROPPING_AT_ONCE = 8


def migrated_sqlite_file(folder: Path) -> Path:
    """A SQLite database file migrated to the newest revision, in `folder`."""
    path = folder / "migrated.sqlite3"
    open_database(f"sqlite:///{path}").dispose()  # its last connection folds the WAL in
    return path


def copy_sqlite(template: Path, to: Path) -> str:
    shutil.copyfile(template, to)
    return f"sqlite:///{to}"


class PostgresDatabases:
    """Databases made on the server at `admin_url` for one test process, dropped by `close`."""

    def __init__(self, admin_url: str) -> None:
        self._admin = create_engine(
            admin_url, isolation_level="AUTOCOMMIT", pool_size=_DROPPING_AT_ONCE
        )
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self._prefix = f"regrights_test_{worker}_{uuid.uuid4().hex[:6]}"
        self._template: str | None = None
        self._made: list[str] = []

    def new(self, *, migrated: bool) -> str:
        """A new database (empty, or migrated to the newest revision); its plain URL."""
        return self._url(self._create(self._migrated_template() if migrated else None))

    def close(self) -> None:
        """Drop every database made here, whoever is still connected to one. Several at once:
        drops waiting together are served by one checkpoint."""
        copies = [name for name in self._made if name != self._template]
        with ThreadPoolExecutor(_DROPPING_AT_ONCE) as dropping:
            list(dropping.map(self._drop, copies))
        if self._template is not None:
            self._drop(self._template)
        self._admin.dispose()

    def _migrated_template(self) -> str:
        if self._template is None:
            name = self._create(None)
            open_database(self._url(name)).dispose()  # no session may stay on a template
            self._template = name
        return self._template

    def _create(self, template: str | None) -> str:
        name = f"{self._prefix}_{uuid.uuid4().hex[:8]}"
        copied = f' TEMPLATE "{template}"' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{copied}')
        self._made.append(name)
        return name

    def _drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(statement))

    def _url(self, name: str) -> str:
        server = self._admin.url.set(drivername="postgresql", database=name)
        return server.render_as_string(hide_password=False)
