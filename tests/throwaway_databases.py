"""Throwaway databases for the tests, each test its own, empty or already migrated.

Migrating takes a good part of a second. A migrated database is therefore a copy of one
migrated once per test process: for SQLite the file, for PostgreSQL a database made with
`CREATE DATABASE ... TEMPLATE`. And a PostgreSQL database is dropped in the background (the
server waits on every session for a drop), the last ones when the test process ends."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.wiring import open_database


def migrated_sqlite_file(folder: Path) -> Path:
    """A SQLite database file migrated to the newest revision, in `folder`."""
    path = folder / "migrated.sqlite3"
    open_database(f"sqlite:///{path}").dispose()  # its last connection folds the WAL in
    return path


def copy_sqlite(template: Path, to: Path) -> str:
    shutil.copyfile(template, to)
    return f"sqlite:///{to}"


class PostgresDatabases:
    """Databases made and dropped on the server at `admin_url`, for one test process."""

    def __init__(self, admin_url: str) -> None:
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self._prefix = f"regrights_test_{worker}_{uuid.uuid4().hex[:6]}"
        self._template: str | None = None
        self._to_drop: queue.Queue[str | None] = queue.Queue()
        self._dropper = threading.Thread(target=self._drop_all, name="drop-databases")
        self._dropper.start()

    def new(self, *, migrated: bool) -> str:
        """A new database (empty, or migrated to the newest revision); its plain URL."""
        name = f"{self._prefix}_{uuid.uuid4().hex[:8]}"
        template = f' TEMPLATE "{self._migrated_template()}"' if migrated else ""
        self._execute(f'CREATE DATABASE "{name}"{template}')
        return self._url(name)

    def drop(self, url: str) -> None:
        """Drop the database at `url` soon, whoever is still connected to it."""
        self._to_drop.put(url.rsplit("/", 1)[1])

    def close(self) -> None:
        """Drop every database made here, the template last."""
        self._to_drop.put(None)
        self._dropper.join()
        if self._template is not None:
            self._execute(f'DROP DATABASE "{self._template}" WITH (FORCE)')
        self._admin.dispose()

    def _migrated_template(self) -> str:
        if self._template is None:
            name = f"{self._prefix}_template"
            self._execute(f'CREATE DATABASE "{name}"')
            open_database(self._url(name)).dispose()  # no session may be left on a template
            self._template = name
        return self._template

    def _drop_all(self) -> None:
        while (name := self._to_drop.get()) is not None:
            self._execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(statement))

    def _url(self, name: str) -> str:
        server = self._admin.url.set(drivername="postgresql", database=name)
        return server.render_as_string(hide_password=False)
