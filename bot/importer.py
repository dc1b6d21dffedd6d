"""`regrights import FILE`: a deal's history, one command per line, recorded all or nothing."""

from __future__ import annotations

from pathlib import Path

from bot.one_shot import emit
from bot.runtime import build_service, open_database, utc_now
from bot.settings import Settings
from domain.services.replies import Reply
from domain.services.service import Caller


def run_import(path: str, *, user: str, channel: str, as_json: bool) -> int:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return emit(Reply.malformed(f"cannot read {path}: {reason}", None), as_json=as_json)
    settings = Settings.from_env()
    service = build_service(
        open_database(settings.database_url),
        settings.local_admins(user),
        profile_dirs=settings.profile_dirs,
    )
    caller = Caller(user=user, channel=channel, source="import", now=utc_now())
    service.bootstrap(caller)
    return emit(service.import_history(text, caller), as_json=as_json)
