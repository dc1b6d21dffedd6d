"""The Undo button on announcements, and the App Home tab."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_harness import ADMIN, CHANNEL, EDITOR, READER, SlackBot, all_text, wait_for


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        yield bot


def _blocks_of_type(message: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if b["type"] == kind]


def test_undo_button_by_its_recorder(bot: SlackBot) -> None:
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    url = bot.click_undo(recorded.message, EDITOR)

    (answer,) = wait_for(lambda: bot.slack.response_posts(url))
    assert answer["response_type"] == "ephemeral"
    assert "Undone: #1" in answer["text"]
    (thread_reply,) = [m for m in bot.slack.messages() if m.get("thread_ts", m["ts"]) != m["ts"]]
    assert thread_reply["thread_ts"] == recorded.message["ts"]
    assert f"<@{EDITOR}> undid #1" in thread_reply["text"]

    (update,) = bot.slack.calls("chat.update")
    assert update.params["ts"] == recorded.message["ts"]
    (shown,) = [m for m in bot.slack.messages(CHANNEL) if m["ts"] == recorded.message["ts"]]
    assert _blocks_of_type(shown, "actions") == []  # the button is gone
    assert f"Undone by <@{EDITOR}>" in all_text(shown)
    assert [e["kind"] for e in bot.history()] == ["undo", "s3-eligible"]


def test_undo_button_by_another_user_is_refused(bot: SlackBot) -> None:
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    bot.record(f"grant <@{READER}|reader> editor")
    url = bot.click_undo(recorded.message, READER)

    (answer,) = wait_for(lambda: bot.slack.response_posts(url))
    assert answer["response_type"] == "ephemeral"
    assert f"recorded by <@{EDITOR}>; only they or an admin may undo it" in answer["text"]
    assert bot.slack.calls("chat.update") == []
    assert [e["kind"] for e in bot.history()] == ["s3-eligible"]
    assert len(bot.slack.messages()) == 4  # setup, two grants, the event: no undo announced


def test_undo_button_by_an_admin(bot: SlackBot) -> None:
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    bot.click_undo(recorded.message, ADMIN)
    wait_for(lambda: bot.slack.calls("chat.update"))
    assert [e["kind"] for e in bot.history()] == ["undo", "s3-eligible"]


def test_undo_button_of_another_agreement_is_refused(bot: SlackBot) -> None:
    """A button from before the channel was bound to another agreement names that agreement."""
    recorded = bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    message = copy.deepcopy(recorded.message)
    (actions,) = _blocks_of_type(message, "actions")
    button = actions["elements"][0]
    button["value"] = json.dumps({"seq": 1, "agreement": 99})
    url = bot.click_undo(message, ADMIN)
    (answer,) = wait_for(lambda: bot.slack.response_posts(url))
    assert "no longer bound" in answer["text"]
    assert bot.slack.calls("chat.update") == []
    assert [e["kind"] for e in bot.history()] == ["s3-eligible"]


def test_home_tab_shows_demand_delay_budget_and_deadlines(bot: SlackBot) -> None:
    bot.record("s3-eligible on 2024-01-02", user=EDITOR)
    bot.record("demand 100000 on 2024-05-28", user=EDITOR)
    bot.record("delay 30 reason iii", user=EDITOR, private=True)

    response = bot.open_home(EDITOR)
    assert response.status_code == 200
    (published,) = wait_for(lambda: bot.slack.published_views())
    assert published["user_id"] == EDITOR
    view = published["view"]
    assert view["type"] == "home"
    shown = all_text(view)
    assert "nstor-2002" in shown
    assert "Your role: editor" in shown
    assert "*Demand right*" in shown and "the demand is pending" in shown
    assert "30 days used of 90 in 12 months" in shown
    assert "expires 2024-07-03" in shown
    assert "2024-06-07 (Fri) — Notice of the Demand Registration" in shown
    assert "merger" not in shown


def test_home_tab_for_a_user_without_a_role(bot: SlackBot) -> None:
    bot.open_home(READER)
    (published,) = wait_for(lambda: bot.slack.published_views())
    assert "You hold no role on an agreement yet" in all_text(published["view"])
