"""Settings from the environment (see the README's table)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.failures import Failure
from domain.services.replies import ExitCode
from domain.store.location import database_url_problem, missing_sqlite_folder


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    api_url: str | None
    admins: frozenset[str]
    command: str
    port: int
    profile_dirs: tuple[Path, ...] = ()
    public_url: str | None = None  # the HTTPS address Slack reaches, for the calendar feed link
    health_port: int | None = None  # PORT when set: Socket Mode serves /healthz there
    notice_templates: Path | None = None
    host: str = "0.0.0.0"  # HTTP mode's interface; 127.0.0.1 behind a proxy on the same host
    # REGRIGHTS_READ_HISTORY: a post whose fate Slack left uncertain is looked for in the
    # channel before it is posted again (needs channels:history and groups:history).
    read_history: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        admins = frozenset(
            a.strip() for a in env.get("REGRIGHTS_ADMINS", "").split(",") if a.strip()
        )
        problem = database_url_problem(env.get("REGRIGHTS_DATABASE_URL"))
        if problem is not None:
            raise Failure(problem, ExitCode.MALFORMED)
        missing = missing_sqlite_folder(env.get("REGRIGHTS_DATABASE_URL"))
        if missing is not None:
            raise Failure(missing, ExitCode.UNAVAILABLE)
        return cls(
            database_url=env.get("REGRIGHTS_DATABASE_URL") or None,
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            api_url=env.get("SLACK_API_URL") or None,
            admins=admins,
            command=env.get("REGRIGHTS_COMMAND") or "/regrights",
            port=_port(env.get("PORT") or "3000"),
            health_port=_port(env["PORT"]) if env.get("PORT") else None,
            profile_dirs=tuple(
                Path(p) for p in env.get("REGRIGHTS_PROFILES_DIR", "").split(os.pathsep) if p
            ),
            public_url=env.get("REGRIGHTS_PUBLIC_URL") or None,
            notice_templates=Path(env["REGRIGHTS_NOTICE_TEMPLATES"])
            if env.get("REGRIGHTS_NOTICE_TEMPLATES")
            else None,
            host=env.get("HOST") or "0.0.0.0",
            read_history=(env.get("REGRIGHTS_READ_HISTORY") or "").lower() in ("1", "true", "yes"),
        )

    def local_admins(self, user: str) -> frozenset[str]:
        """For the console and `cmd`: the local user is an admin when none are configured."""
        return self.admins or frozenset({user})


def _port(text: str) -> int:
    if text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    raise Failure(f"PORT must be a number from 1 to 65535, not {text!r}", ExitCode.MALFORMED)
