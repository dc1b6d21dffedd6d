"""Wiring for every front: the clock, the database with its migrations, the service, and the
local caller of the subcommands that work on one channel's agreement from the shell (SPEC §7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.alerts.schedule import reschedule
from bot.settings import Settings
from domain.services.service import Caller, ChangeListener, RegRightsService
from domain.store.database import make_engine
from domain.store.migrate import upgrade
from domain.store.unit_of_work import UnitOfWork


def utc_now() -> datetime:
    """The clock the fronts read; the domain is always given the moment instead."""
    return datetime.now(UTC)


def open_database(url: str | None) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def build_service(
    engine: Engine,
    admins: frozenset[str],
    on_change: tuple[ChangeListener, ...] = (),
    profile_dirs: tuple[Path, ...] = (),
    public_url: str | None = None,
    write_seconds: float | None = None,
) -> RegRightsService:
    """The service, keeping each agreement's next alert time current, plus `on_change`; a
    write not stored within `write_seconds` is abandoned (see `UnitOfWork`)."""
    return RegRightsService(
        UnitOfWork(engine, write_seconds),
        admins,
        (reschedule, *on_change),
        profile_dirs,
        public_url,
    )


@dataclass(frozen=True)
class LocalSession:
    service: RegRightsService
    caller: Caller
    engine: Engine


def open_local(
    channel: str, user: str, *, source: str = "cli", as_of: date | None = None
) -> LocalSession:
    """The service from the environment's settings and the local caller; an empty database
    gets the default agreement bound to `channel` (SPEC §7)."""
    settings = Settings.from_env()
    engine = open_database(settings.database_url)
    service = build_service(
        engine,
        settings.local_admins(user),
        profile_dirs=settings.profile_dirs,
        public_url=settings.public_url,
    )
    caller = Caller(user=user, channel=channel, source=source, now=utc_now(), as_of=as_of)
    service.bootstrap(caller)
    return LocalSession(service, caller, engine)


def strip_command_name(line: str, command_name: str) -> str:
    """`/regrights status`, as typed in Slack, is `status` at the console and in `cmd`."""
    first, _, rest = line.partition(" ")
    return rest.strip() if first in {command_name, "/regrights"} else line
