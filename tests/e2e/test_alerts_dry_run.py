"""A dry run reads many agreements at once: it must plan exactly what a real pass then posts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alert_support import (
    ADMIN,
    LEAD_7,
    LEAD_14,
    RECORDED,
    agreement,
    another_agreement,
    poster_for,
)
from slack_standin import SlackStandIn
from sqlalchemy import Engine

from bot.alerts import alert_pass
from bot.alerts.alert_pass import run_alert_pass
from bot.wiring import open_database
from domain.services.service import Caller


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(f"sqlite:///{tmp_path / 'regrights.sqlite3'}")
    yield engine
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(start_ts=LEAD_14.timestamp()) as standin:
        yield standin


def keys(found: list[alert_pass.AlertOutcome]) -> list[tuple[int, str, str]]:
    return [(o.agreement_id, o.channel, o.key) for o in found]


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_a_dry_run_plans_what_the_pass_then_posts(
    engine: Engine, slack: SlackStandIn, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(alert_pass, "PREVIEW_BATCH", batch)
    first = agreement(engine)
    assert first.service.handle("setup nstor-2002", Caller(ADMIN, "CLEGAL", "test", RECORDED)).ok
    another_agreement(engine, "acme-2024", "CACME")
    third = another_agreement(engine, "zeta-2025", "CZETA")
    third.say("effective on 2026-03-01")  # its deadline closed: nothing due there

    dry = run_alert_pass(engine, poster_for(slack), LEAD_14, dry_run=True)
    assert len(dry.would_post) == 3 and all(o.text for o in dry.would_post)
    assert {o.channel for o in dry.would_post} == {"CDEALS", "CLEGAL", "CACME"}
    assert dry.pending == [] and slack.calls("chat.postMessage") == []

    slack.fail_next("chat.postMessage", "error:not_in_channel")
    real = run_alert_pass(engine, poster_for(slack), LEAD_14)
    assert sorted(keys(real.pending + real.posted)) == sorted(keys(dry.would_post))
    planned = {(o.channel, o.key): o.text for o in dry.would_post}
    assert all(planned[o.channel, o.key] == o.text for o in real.posted)

    # The refused post is left unconfirmed; a dry run names it and plans nothing new.
    again = run_alert_pass(engine, poster_for(slack), LEAD_14 + timedelta(minutes=1), dry_run=True)
    assert again.would_post == []
    assert keys(again.pending) == keys(real.pending) and len(real.pending) == 1
    # A week on, the next slot is planned for every agreement still open.
    later = run_alert_pass(engine, poster_for(slack), LEAD_7, dry_run=True)
    assert {o.channel for o in later.would_post} == {"CDEALS", "CLEGAL", "CACME"}
