"""Counsel's outputs over signed HTTP: `/regrights timeline` shared with files.uploadV2, the
calendar link and its feed, and the App Home buttons to both."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from icalendar import Calendar
from slack_harness import (
    ADMIN,
    CHANNEL,
    EDITOR,
    NOW,
    READER,
    TEAM,
    SlackBot,
    all_text,
    wait_for,
)

from bot.http.calendar_route import calendar_route
from bot.slack.counsel_blocks import HOME_CALENDAR_ACTION_ID, HOME_TIMELINE_ACTION_ID
from domain.services.service import Caller
from domain.store.database import make_engine
from domain.store.unit_of_work import UnitOfWork


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        bot.record("s3-eligible on 2024-01-02", user=EDITOR)
        bot.record("demand 100000 on 2024-05-28", user=EDITOR)
        bot.record("delay 30 from 2024-05-30 reason iii", user=EDITOR, private=True)
        yield bot


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def status(bot: SlackBot) -> dict[str, Any]:
    data: dict[str, Any] = bot.service.handle(
        "status", Caller(user=READER, channel=CHANNEL, source="test", now=NOW)
    ).data
    return data


def test_the_timeline_command_shares_the_picture_in_the_channel(bot: SlackBot) -> None:
    posted = len(bot.slack.messages())
    response, url = bot.slash("timeline", user=READER)
    assert response.status_code == 200
    assert response.json() == {"response_type": "ephemeral", "text": "Drawing the timeline…"}
    (upload,) = wait_for(lambda: bot.slack.direct_files(), timeout=30)
    assert [c.method for c in bot.slack.calls() if c.method.startswith(("files.", "upload"))] == [
        "files.getUploadURLExternal",
        "upload_url",
        "files.completeUploadExternal",
    ]
    assert upload["channel"] == CHANNEL
    assert upload["filename"] == "nstor-2002-timeline-2024-06-03.png"
    assert png_size(upload["content"]) == (1200, 675)
    assert f"<@{READER}>" in upload["initial_comment"]
    # What the picture says is what `status` says.
    delay = status(bot)["delay"]
    assert delay["days_used_12m"] == 30
    assert f"{delay['days_used_12m']} of 90 days used" in upload["alt_txt"]
    assert f"next delay may begin {delay['next_start_allowed']}" in upload["alt_txt"]
    assert "iii" not in upload["alt_txt"] and "reason" not in upload["alt_txt"].lower()
    # Shared in the channel with the comment; nothing else is posted or answered.
    assert bot.slack.messages()[posted:] == [] and bot.slack.response_posts(url) == []


def test_the_timeline_of_an_unbound_channel_is_refused_and_nothing_is_uploaded(
    bot: SlackBot,
) -> None:
    _, url = bot.slash("timeline", channel="C0ELSEWHERE")
    (answer,) = wait_for(lambda: bot.slack.response_posts(url))
    assert answer["response_type"] == "ephemeral" and "setup nstor-2002" in answer["text"]
    assert bot.slack.calls("files.getUploadURLExternal") == []


def test_a_failed_upload_is_told_to_the_asker(bot: SlackBot) -> None:
    bot.slack.fail_next("files.completeUploadExternal", "error:not_in_channel")
    _, url = bot.slash("timeline")
    (answer,) = wait_for(lambda: bot.slack.response_posts(url), timeout=30)
    assert "could not share the timeline" in answer["text"] and "not_in_channel" in answer["text"]
    assert bot.slack.direct_files() == []


def _feed_url(answer: dict[str, Any], bot: SlackBot) -> str:
    text = all_text(answer)
    start = text.index(bot.url + "/calendar/")
    return text[start : text.index(".ics", start) + len(".ics")]


def test_calendar_link_is_for_an_admin_alone_and_reset_retires_the_old_url(bot: SlackBot) -> None:
    answer = bot.ask("calendar link")
    assert answer["response_type"] == "ephemeral"
    url = _feed_url(answer, bot)
    feed = requests.get(url, timeout=10)
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert sorted(e.decoded("DTSTART").isoformat() for e in events) == sorted(
        d["due"] for d in status(bot)["deadlines"]
    )
    assert b"iii" not in feed.content.replace(b"\r\n ", b"")

    refused = bot.ask("calendar link", user=EDITOR)
    assert "only admins" in refused["text"] and bot.url not in all_text(refused)

    new_url = _feed_url(bot.ask("calendar reset"), bot)
    assert new_url != url
    assert requests.get(url, timeout=10).status_code == 404
    assert requests.get(new_url, timeout=10).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/",
        "/calendar/short.ics",
        "/calendar/" + "A" * 43 + ".ics",  # the right shape, no such token
        "/calendar/" + "A" * 43 + ".ics/../healthz",
    ],
)
def test_a_wrong_calendar_path_is_not_found(bot: SlackBot, path: str) -> None:
    bot.ask("calendar link")  # a token exists
    assert requests.get(bot.url + path, timeout=10).status_code == 404


def test_the_route_answers_methods_and_an_unreachable_database() -> None:
    dead = UnitOfWork(make_engine("postgresql://postgres@127.0.0.1:1/none"))
    route = calendar_route(dead, lambda: datetime(2026, 1, 5, tzinfo=UTC))
    path = "/calendar/" + "A" * 43 + ".ics"
    status_line, headers, _ = route({"REQUEST_METHOD": "POST", "PATH_INFO": path})
    assert status_line.startswith("405") and ("Allow", "GET, HEAD") in headers
    assert route({"REQUEST_METHOD": "GET", "PATH_INFO": "/calendar/x"})[0].startswith("404")
    assert route({"REQUEST_METHOD": "GET", "PATH_INFO": path})[0].startswith("503")


def _home(bot: SlackBot, user: str) -> dict[str, Any]:
    before = len(bot.slack.published_views())
    assert bot.open_home(user).status_code == 200
    views = wait_for(lambda: bot.slack.published_views()[before:])
    view: dict[str, Any] = views[0]["view"]
    return view


def _buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons beside the agreement: their value is its profile id."""
    return {
        e["action_id"]: e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("value") == "nstor-2002"
    }


def click_home(bot: SlackBot, view: dict[str, Any], button: dict[str, Any], user: str) -> None:
    """A block_actions payload from the App Home, as Slack sends it: no channel, no
    response_url, the view it came from and a trigger_id."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0REGRIGHTS",
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": "4242.1.home",
        "team": {"id": TEAM, "domain": "standin"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {**view, "id": "V0HOME", "team_id": TEAM, "app_id": "A0REGRIGHTS"},
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "home",
                "text": button["text"],
                "value": button["value"],
                "action_ts": "1717426800.000300",
            }
        ],
    }
    response = bot.interact(payload)
    assert response.status_code == 200, response.text


def test_the_home_tab_has_the_timeline_for_all_and_the_calendar_link_for_admins(
    bot: SlackBot,
) -> None:
    admin_view = _home(bot, ADMIN)
    assert set(_buttons(admin_view)) == {HOME_TIMELINE_ACTION_ID, HOME_CALENDAR_ACTION_ID}
    editor_view = _home(bot, EDITOR)
    assert set(_buttons(editor_view)) == {HOME_TIMELINE_ACTION_ID}
    # Beside the deadlines and the delay budget, which are still shown.
    shown = all_text(editor_view)
    assert "30 days used of 90 in 12 months" in shown and "Next deadlines" in shown


def test_the_home_timeline_button_shares_the_picture_in_the_agreements_channel(
    bot: SlackBot,
) -> None:
    view = _home(bot, EDITOR)
    click_home(bot, view, _buttons(view)[HOME_TIMELINE_ACTION_ID], EDITOR)
    (upload,) = wait_for(lambda: bot.slack.direct_files(), timeout=30)
    assert upload["channel"] == CHANNEL
    assert f"<@{EDITOR}> from the App Home" in upload["initial_comment"]
    assert png_size(upload["content"]) == (1200, 675)


def test_the_home_calendar_button_shows_an_admin_the_link_in_a_modal(bot: SlackBot) -> None:
    view = _home(bot, ADMIN)
    click_home(bot, view, _buttons(view)[HOME_CALENDAR_ACTION_ID], ADMIN)
    (opened,) = wait_for(lambda: bot.slack.opened_views())
    assert opened["trigger_id"] == "4242.1.home" and opened["view"]["type"] == "modal"
    url = _feed_url(opened["view"], bot)
    assert requests.get(url, timeout=10).status_code == 200
    assert all(url not in all_text(m) for m in bot.slack.messages())  # shown to the admin alone


def test_a_forged_click_is_answered_in_a_modal_and_does_nothing(bot: SlackBot) -> None:
    view = _home(bot, ADMIN)
    buttons = _buttons(view)
    click_home(bot, view, buttons[HOME_TIMELINE_ACTION_ID], READER)
    click_home(bot, view, buttons[HOME_CALENDAR_ACTION_ID], EDITOR)
    opened = wait_for(lambda: bot.slack.opened_views()[1:] and bot.slack.opened_views())
    texts = sorted(all_text(o["view"]) for o in opened)
    assert any("You hold no role on `nstor-2002`" in t for t in texts)
    assert any("only admins" in t for t in texts)
    assert bot.slack.direct_files() == [] and bot.slack.calls("files.getUploadURLExternal") == []
    assert not any(bot.url + "/calendar/" in t for t in texts)
