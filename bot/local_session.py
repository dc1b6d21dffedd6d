"""For the subcommands that work on one channel's agreement from the shell (`export`, `verify`,
`notice`): the service, and the caller, with the default agreement set up on an empty database
exactly as `cmd` does."""

from __future__ import annotations

from dataclasses import dataclass

from bot.runtime import build_service, open_database, utc_now
from bot.settings import Settings
from domain.services.service import Caller, RegRightsService


@dataclass(frozen=True)
class LocalSession:
    service: RegRightsService
    caller: Caller


def open_local(channel: str, user: str) -> LocalSession:
    settings = Settings.from_env()
    service = build_service(
        open_database(settings.database_url),
        settings.local_admins(user),
        profile_dirs=settings.profile_dirs,
    )
    caller = Caller(user=user, channel=channel, source="cli", now=utc_now())
    service.bootstrap(caller)
    return LocalSession(service, caller)
