"""`/regrights` end to end over HTTP: every command answers, in the right place."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REGRIGHTS, cli_env
from slack_harness import ADMIN, CHANNEL, EDITOR, READER, SlackBot, all_text, wait_for

from bot.settings import Settings
from domain.services.replies import Reply

REASON_III = "discussions of a merger, acquisition, financing or similar transaction"


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        yield bot


@pytest.fixture
def bound(bot: SlackBot) -> SlackBot:
    """A channel set up with the default profile, and an editor granted."""
    bot.record("setup nstor-2002")
    bot.record(f"grant <@{EDITOR}|editor> editor")
    return bot


def _ephemeral(answer: dict[str, object]) -> None:
    """Ephemeral, whether it came in the ack or through response_url (never replacing)."""
    assert answer["response_type"] == "ephemeral"
    assert answer.get("replace_original", False) is False


def _undo_buttons(message: dict[str, object]) -> list[dict[str, object]]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


RECORDING = [
    "s3-eligible on 2024-01-02",
    "demand 100000 on 2024-05-01",
    "holders-notified on 2024-05-06 by mail",
    "filing-planned 2024-07-15",
    "requested-info-sent",
    "filed",
    "effective",
    "suspend",
    "resume",
    "delay 30 from 2024-05-31 reason iii",
    "delay extend 5",
    "delay end",
    "stop-order",
    "withdrawn",
    "piggyback-notice on 2024-06-01",
    "piggyback-requested 5000",
    "terminated sold-all",
]
ASKING = [
    "status",
    "deadlines",
    "history",
    "history 3",
    "terms",
    "help",
    "help delay",
    "delay check 10 from 2025-06-02",
    "cutback 1000 company=600 alpha=500:1000 beta=300:200",
]


def test_every_command_answers(bound: SlackBot) -> None:
    for seq, text in enumerate(RECORDING, start=1):
        recorded = bound.record(text, user=EDITOR, private=text.startswith("delay 30"))
        assert f"Recorded #{seq}" in recorded.message["text"], text
        assert recorded.message["channel"] == CHANNEL
        assert len(_undo_buttons(recorded.message)) == 1, text
    undone = bound.record("undo", user=EDITOR, private=True)
    assert f"<@{EDITOR}> undid #{len(RECORDING)}" in undone.message["text"]
    assert _undo_buttons(undone.message) == []  # a retraction is not itself undone
    for text in ASKING:
        answer = bound.ask(text, user=READER)
        _ephemeral(answer)
        assert answer["text"] and answer["blocks"], text
    for text in ("remind leads 14,7,1", "remind at 08:30"):
        assert "Alerts will be posted" in bound.record(text).message["text"]
    assert "holds no granted role" in bound.ask(f"revoke <@{READER}|reader>")["text"]
    revoked = bound.record(f"revoke <@{EDITOR}|editor>")
    assert f"<@{EDITOR}> no longer holds a role" in revoked.message["text"]
    assert "only editors and admins" in bound.ask("filed", user=EDITOR)["text"]
    assert len(bound.history()) == len(RECORDING) + 1


def test_recorded_event_is_announced_with_an_undo_button_and_its_recorder(bound: SlackBot) -> None:
    recorded = bound.record("s3-eligible on 2024-01-02", user=EDITOR)
    message = recorded.message
    assert message["text"].startswith("Recorded #1: s3-eligible on 2024-01-02")
    (button,) = _undo_buttons(message)
    assert button["action_id"] == "regrights_undo"
    assert '"seq": 1' in button["value"]
    assert f"<@{EDITOR}>" in all_text(message)
    assert recorded.answer is None  # the announcement said it all: no echo to the asker


def test_delay_reason_never_reaches_the_channel(bound: SlackBot) -> None:
    bound.record("s3-eligible on 2024-01-02", user=EDITOR)
    bound.record("filed on 2024-05-01", user=EDITOR)  # something to delay (§2(d))
    recorded = bound.record("delay 30 reason iii", user=EDITOR, private=True)
    assert "delay 30 days" in recorded.message["text"]
    assert recorded.answer is not None
    _ephemeral(recorded.answer)
    assert REASON_III in recorded.answer["text"]  # the recording editor sees it, alone
    # Whatever else happens in the channel, the reason is never in a channel post.
    bound.record("delay extend 5", user=EDITOR)
    bound.record("undo", user=EDITOR, private=True)
    assert "reason" in bound.ask("status", user=EDITOR)["text"]
    for call in bound.slack.calls("chat.postMessage") + bound.slack.calls("chat.update"):
        text = all_text(call.params)
        assert REASON_III not in text
        assert "iii" not in text


def test_errors_and_queries_are_ephemeral(bound: SlackBot) -> None:
    # `ask` also checks that nothing was posted in the channel.
    for text in [
        "status",
        "frobnicate",
        "delay 0",
        "delay abc",
        "demand",
        "delay 30 from 2030-01-01",
    ]:
        _ephemeral(bound.ask(text, user=EDITOR))
    assert bound.history() == []


def test_refused_writes_record_nothing(bound: SlackBot) -> None:
    role = bound.ask("s3-eligible on 2024-01-02", user=READER)
    assert "only editors and admins may record events" in role["text"]
    assert "Nothing was recorded" in role["text"]
    assert bound.history() == []

    bound.record("s3-eligible on 2024-01-02", user=EDITOR)
    nothing_to_delay = bound.ask("delay 10 from 2024-05-01", user=EDITOR)
    assert (
        "§2(d)" in nothing_to_delay["text"] and "Nothing was recorded" in nothing_to_delay["text"]
    )
    bound.record("filed on 2024-04-01", user=EDITOR)
    bound.record("delay 10 from 2024-05-01", user=EDITOR)
    second = bound.ask("delay 5", user=EDITOR)  # one delay beginning in any 12 months
    assert "§2(d)" in second["text"]
    assert "2025-05-01" in second["text"]
    admin_only = bound.ask(f"grant <@{READER}|reader> admin", user=EDITOR)
    assert "only admins" in admin_only["text"]
    assert [e["seq"] for e in bound.history()] == [3, 2, 1]


def test_unbound_channel_gets_the_setup_hint(bot: SlackBot) -> None:
    answer = bot.ask("status", channel="C0ELSEWHERE")
    _ephemeral(answer)
    assert "setup nstor-2002" in answer["text"]


def test_setup_binds_the_channel(bot: SlackBot) -> None:
    refused = bot.ask("setup nstor-2002", user=READER)
    assert "only admins" in refused["text"]
    recorded = bot.record("setup nstor-2002")
    assert "for this channel" in recorded.message["text"]
    assert _undo_buttons(recorded.message) == []
    assert "Demand right" in bot.ask("status", user=READER)["text"]


def test_announcement_that_cannot_be_posted_is_told_to_the_asker(bound: SlackBot) -> None:
    bound.slack.fail_next("chat.postMessage", "error:not_in_channel")
    response, url = bound.slash("s3-eligible on 2024-01-02", user=EDITOR)
    assert response.status_code == 200
    _ephemeral(response.json())
    assert "Recorded #1" in response.json()["text"]
    (answer,) = wait_for(lambda: bound.slack.response_posts(url))
    _ephemeral(answer)
    assert "not_in_channel" in all_text(answer)
    assert len(bound.history()) == 1


def test_a_10000_character_command_is_answered(bound: SlackBot) -> None:
    answer = bound.ask("status " + "x" * 9_993, user=EDITOR)
    _ephemeral(answer)
    assert "10,000 characters" in answer["text"]
    assert len(all_text(answer)) < 4_000
    assert bound.history() == []


def test_a_question_and_a_write_are_both_answered_in_the_ack(bound: SlackBot) -> None:
    response, _url = bound.slash("terms", user=READER)
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert "§2(d)" in response.json()["text"]
    assert response.elapsed.total_seconds() < 1
    response, _url = bound.slash("s3-eligible on 2024-01-02", user=EDITOR)
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert "Recorded #1" in response.json()["text"]
    assert len(bound.history()) == 1  # stored by the time the ack arrived
    assert response.elapsed.total_seconds() < 1
    wait_for(lambda: bound.slack.messages())


def test_a_question_is_current_after_another_process_writes(bound: SlackBot) -> None:
    assert "suspended" not in bound.ask("status")["text"].lower()
    env = cli_env(bound.settings.database_url, REGRIGHTS_ADMINS=ADMIN)
    written = subprocess.run(
        [
            REGRIGHTS,
            "cmd",
            "--channel",
            CHANNEL,
            "--user",
            ADMIN,
            "--as-of",
            "2024-06-03",
            "suspend",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stdout + written.stderr
    assert "suspended" in bound.ask("status")["text"].lower()


def test_command_name_comes_from_regrights_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGRIGHTS_COMMAND", "/deals")
    name = Settings.from_env().command
    with SlackBot(tmp_path, command=name) as bot:
        assert "setup nstor-2002" in bot.ask("status")["text"]
        response, _ = bot.slash("status", command="/regrights")
        assert response.status_code == 404  # Bolt has no listener for the old name


def test_a_failing_question_is_told_in_the_ack(
    bound: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> Reply:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bound.service, "execute", broken)
    answer = bound.ask("status", user=READER)
    _ephemeral(answer)
    assert "Something went wrong" in answer["text"]
    assert "fire" not in all_text(answer)


def test_a_write_not_stored_within_its_deadline_is_abandoned_and_says_so(
    bound: SlackBot,
) -> None:
    """Another writer holds the database's write lock: the write gives up after 2.5 s, rolls
    back, and its ack, still within Slack's 3 s, says that nothing was recorded."""
    assert bound.settings.database_url is not None
    holder = sqlite3.connect(bound.settings.database_url.removeprefix("sqlite:///"))
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")
    try:
        posted = len(bound.slack.messages())
        response, url = bound.slash("s3-eligible on 2024-01-02", user=EDITOR)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 200
    assert 2.4 < response.elapsed.total_seconds() < 3
    _ephemeral(response.json())
    assert response.json()["text"].startswith("Nothing was recorded: the database is busy")
    assert bound.history() == []
    time.sleep(0.3)  # nothing follows the ack: no announcement, no answer
    assert bound.slack.messages()[posted:] == []
    assert bound.slack.response_posts(url) == []
