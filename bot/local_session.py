"""For the subcommands that work on one channel's agreement from the shell (`console`, `cmd`,
`import`, `export`, `verify`, `notice`, `calendar`, `timeline`): the database, the service and
the caller, with the default agreement set up on an empty database (SPEC §7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from bot.clock import utc_now
from bot.runtime import build_service, open_database
from bot.settings import Settings
from domain.services.service import Caller, RegRightsService


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
