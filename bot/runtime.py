"""Wiring: the database, its migrations and the service, as every front needs them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from bot.alerts.schedule import reschedule
from domain.services.service import ChangeListener, RegRightsService
from domain.store.database import make_engine
from domain.store.migrate import upgrade
from domain.store.unit_of_work import UnitOfWork


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
