"""The announcements a stored write owes: committed with the write, posted once, and posted by
the next start's pass when the process that owed them died first."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_harness import EDITOR, NOW, SlackBot

from bot.slack.announcements import Announcements


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        yield bot


def _another_start(bot: SlackBot) -> Announcements:
    """What a new process (or another instance) would post with."""
    return Announcements(bot.engine, bot.app.client, "another-process", lambda: NOW)


def _recorded(bot: SlackBot, seq: int) -> list[dict[str, object]]:
    return [m for m in bot.slack.messages() if f"Recorded #{seq}:" in str(m["text"])]


def test_what_a_dead_process_owed_is_posted_by_the_next_pass_once(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as dying:
        # The process dies after the ack, before its lazy listener posts anything.
        dying.setattr(Announcements, "post_owed", lambda self, agreement_id, row_id=None: None)
        texts = ["s3-eligible on 2024-01-02", "demand 1000 on 2024-05-01"]
        for text in texts:
            response, _ = bot.slash(text, user=EDITOR)
            assert "Recorded #" in response.json()["text"]
        bot.app.listener_runner.listener_executor.shutdown(wait=True)
    assert _recorded(bot, 1) == [] and _recorded(bot, 2) == []
    later = _another_start(bot)
    assert later.unfinished() == 0  # owed by the process that died, not by this one
    later.redrive()
    later.redrive()
    assert len(_recorded(bot, 1)) == 1 and len(_recorded(bot, 2)) == 1
    first, second = (m for m in bot.slack.messages() if "Recorded #" in str(m["text"]))
    assert "Recorded #1:" in str(first["text"])  # in the order they were recorded
    assert "Recorded #2:" in str(second["text"])


def test_instances_posting_together_post_each_announcement_once(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as dying:
        dying.setattr(Announcements, "post_owed", lambda self, agreement_id, row_id=None: None)
        for day in range(1, 11):
            bot.slash(f"piggyback-notice on 2024-05-{day:02d}", user=EDITOR)
        bot.app.listener_runner.listener_executor.shutdown(wait=True)
    instances = [_another_start(bot) for _ in range(4)]
    threads = [threading.Thread(target=instance.redrive) for instance in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for seq in range(1, 11):
        assert len(_recorded(bot, seq)) == 1, seq
