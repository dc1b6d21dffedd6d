"""`regrights import FILE`: a deal's history, one command per line, recorded all or nothing."""

from __future__ import annotations

from pathlib import Path

from bot.local_session import open_local
from bot.one_shot import emit
from domain.services.grammar import UsageError, parse_date
from domain.services.replies import Reply


def run_import(
    path: str, *, user: str, channel: str, as_json: bool, as_of: str | None = None
) -> int:
    try:
        day = parse_date(as_of, "--as-of YYYY-MM-DD") if as_of else None
    except UsageError as exc:
        return emit(Reply.malformed(f"--as-of: {exc.message}", exc.usage), as_json=as_json)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return emit(Reply.malformed(f"cannot read {path}: {reason}", None), as_json=as_json)
    local = open_local(channel, user, source="import", as_of=day)
    return emit(local.service.import_history(text, local.caller), as_json=as_json)
