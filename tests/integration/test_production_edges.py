"""Ids the store cannot keep are refused alike on SQLite and PostgreSQL; the only admin cannot
revoke themselves when REGRIGHTS_ADMINS is unset; `history N` says when it was capped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bot.render.answers import render
from bot.wiring import build_service
from domain.services.service import Caller
from domain.store.tables import ChannelBindingRow, RoleGrantRow

NOW = datetime(2026, 1, 5, 17, tzinfo=UTC)


def caller(user: str = "UADMIN", channel: str = "CDEALS") -> Caller:
    return Caller(user=user, channel=channel, source="test", now=NOW)


def rows(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize(
    ("user", "channel", "why"),
    [
        ("UADMIN", "C" * 65, "the channel id is 65 characters long; at most 64 are kept"),
        ("U" * 200, "CDEALS", "the user id is 200 characters long; at most 64 are kept"),
        ("UADMIN", "CDE\x00ALS", "the channel id holds a control character"),
        ("UAD\x00MIN", "CDEALS", "the user id holds a control character"),
    ],
)
def test_ids_the_store_cannot_keep_are_refused(
    engine: Engine, user: str, channel: str, why: str
) -> None:
    service = build_service(engine, frozenset())
    service.bootstrap(caller(user, channel))
    for text in ("setup nstor-2002", "status", "s3-eligible on 2026-01-02"):
        reply = service.handle(text, caller(user, channel))
        assert reply.exit_code == 2
        assert reply.data["error"] == f"{why}; nothing was done"
    assert rows(engine, ChannelBindingRow) == 0


def test_a_mention_too_long_to_keep_is_malformed(engine: Engine) -> None:
    service = build_service(engine, frozenset({"UADMIN"}))
    assert service.handle("setup nstor-2002", caller()).ok
    reply = service.handle(f"grant <@U{'X' * 70}> editor", caller())
    assert reply.exit_code == 2
    assert rows(engine, RoleGrantRow) == 0


def test_the_only_admin_cannot_revoke_themselves(engine: Engine) -> None:
    service = build_service(engine, frozenset())  # REGRIGHTS_ADMINS unset
    assert service.handle("setup nstor-2002", caller()).ok
    refused = service.handle("revoke <@UADMIN>", caller())
    assert refused.exit_code == 1
    words = render(refused.answer)
    assert "only admin" in words and "REGRIGHTS_ADMINS" in words
    assert service.handle("grant <@UOTHER> admin", caller()).ok
    assert service.handle("revoke <@UADMIN>", caller()).ok  # another admin remains
    assert service.handle("revoke <@UOTHER>", caller("UOTHER")).exit_code == 1


def test_configured_admins_may_drop_their_grant(engine: Engine) -> None:
    service = build_service(engine, frozenset({"UADMIN"}))
    assert service.handle("setup nstor-2002", caller()).ok
    assert service.handle("grant <@UADMIN> admin", caller()).ok
    assert service.handle("revoke <@UADMIN>", caller()).ok


def test_history_says_when_it_was_capped(engine: Engine) -> None:
    service = build_service(engine, frozenset({"UADMIN"}))
    assert service.handle("setup nstor-2002", caller()).ok
    assert service.handle("s3-eligible on 2026-01-02", caller()).ok
    capped = service.handle("history 500", caller())
    assert capped.ok and capped.data["capped_at"] == 200
    assert render(capped.answer).endswith("(`history` shows at most the latest 200.)")
    plain = service.handle("history 200", caller())
    assert "capped_at" not in plain.data and "at most" not in render(plain.answer)
