"""The compliance record and lateness warnings in Slack, over signed HTTP against the stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from slack_harness import EDITOR, NOW, READER, SlackBot, all_text


@pytest.fixture
def bound(tmp_path: Path) -> Iterator[SlackBot]:
    with SlackBot(tmp_path) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        yield bot


def test_compliance_in_slack_with_the_late_notice_announced(bound: SlackBot) -> None:
    bound.record("s3-eligible on 2024-01-02", user=EDITOR)
    # Received Fri 2024-03-01: the other holders' notice is due 03-01 + 10 = Mon 03-11.
    demand = bound.record("demand 1000 on 2024-03-01", user=EDITOR)
    # The harness's clock reads Mon 2024-06-03: 20 days of March left + 30 + 31 + 3 = 84.
    assert NOW.date() == date(2024, 6, 3)
    assert "already 84 days overdue" in all_text(demand.message)
    # Given Fri 03-15: 4 days late, said in the channel with the section.
    notified = bound.record("holders-notified on 2024-03-15", user=EDITOR)
    assert "§2(a)" in all_text(notified.message) and "4 days late" in all_text(notified.message)
    answer = bound.ask("compliance", user=READER)
    assert answer["response_type"] == "ephemeral"
    text = all_text(answer)
    assert "Compliance record as of" in text
    assert (
        "2024-03-11 (Mon)" in text
        and "LATE" in text
        and "met on 2024-03-15 (Fri), 4 days late" in text
    )
    # The holders' window: 03-15 + 15 = 03-30, long passed.
    assert "2024-03-30 (Sat)" in text and "lapsed" in text
