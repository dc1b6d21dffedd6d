"""Block Kit rendering: long answers cut into sections, warnings and notes in context blocks, a
plain-text fallback, the Undo button."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.models.blocks import SectionBlock

from bot.slack.blocks import (
    MAX_BLOCKS,
    UndoTarget,
    announcement_message,
    chunks,
    private_message,
    undone_message,
)
from bot.slack.home import MAX_AGREEMENTS, home_view
from domain.rules.calendar import BusinessCalendar
from domain.rules.events import Event, EventKind, Facts
from domain.rules.terms import load_profile
from domain.services.answers import EventLine, Malformed, Recorded, Undone
from domain.services.replies import Reply

TERMS = load_profile("nstor-2002")
FILED = Event(4, EventKind.FILED, date(2026, 3, 2), date(2026, 3, 2), Facts())


def _recorded(warnings: list[str], seq: int = 4) -> Reply:
    answer = Recorded(EventLine(FILED, TERMS), [], warnings, BusinessCalendar("US"))
    return Reply(
        ok=True,
        answer=answer,
        data={"ok": True},
        announce=True,
        recorded_seq=seq,
        agreement_id=7,
        warnings=warnings,
    )


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_chunks_cut_long_text_at_line_ends_within_the_limit() -> None:
    lines = [f"line {i:04d} " + "x" * 80 for i in range(300)]
    pieces = chunks("\n".join(lines))
    assert len(pieces) > 1
    assert all(len(p) <= SectionBlock.text_max_length for p in pieces)
    assert "\n".join(pieces).split("\n") == lines


def test_chunks_cut_a_single_overlong_line() -> None:
    pieces = chunks("y" * 7_000)
    assert all(len(p) <= SectionBlock.text_max_length for p in pieces)
    assert "".join(pieces) == "y" * 7_000


def test_a_code_block_cut_in_two_is_closed_and_reopened() -> None:
    table = "```\n" + "\n".join(f"holder{i:03d}  {i:>12,}" for i in range(400)) + "\n```"
    pieces = chunks(table)
    assert len(pieces) > 1
    for piece in pieces:
        assert len(piece) <= SectionBlock.text_max_length
        assert piece.startswith("```") and piece.endswith("```")
        assert piece.count("```") % 2 == 0


def test_a_huge_reply_is_cut_to_fifty_blocks_with_a_fallback() -> None:
    text = "\n".join("z" * 2_900 for _ in range(80))
    reply = Reply(ok=False, answer=Malformed(text, None), data={"ok": False})
    message = private_message(reply, note="a note")
    assert len(message["blocks"]) <= MAX_BLOCKS - 1  # room left for an Undo button
    assert "cut short" in _texts(message["blocks"])[-1]
    assert 0 < len(message["text"]) <= 3_000


def test_warnings_move_to_a_context_block() -> None:
    message = private_message(_recorded(["Mind the clock."]))
    assert _texts(message["blocks"]) == ["Recorded #4: filed on 2026-03-02 (Mon)."]
    (context,) = [b for b in message["blocks"] if b["type"] == "context"]
    assert context["elements"][0]["text"] == "⚠ Mind the clock."
    assert "Mind the clock" in message["text"]


def test_announcement_carries_undo_except_for_an_undo() -> None:
    blocks = announcement_message(_recorded([]), "U1")["blocks"]
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    button = actions["elements"][0]
    assert UndoTarget.from_value(button["value"]) == UndoTarget(seq=4, agreement_id=7)
    assert button["confirm"]["confirm"]["text"] == "Undo"

    undo = Reply(
        ok=True,
        answer=Undone(EventLine(FILED, TERMS), 5, "U1"),
        data={"ok": True, "undone": 4, "seq": 5},
        announce=True,
        recorded_seq=5,
        agreement_id=7,
    )
    assert [b for b in announcement_message(undo, "U1")["blocks"] if b["type"] == "actions"] == []


def test_undone_message_drops_the_button_and_says_who() -> None:
    original = dict(announcement_message(_recorded([]), "U1"))
    updated = undone_message(original, "U2", 5)
    assert all(b["type"] != "actions" for b in updated["blocks"])
    assert "Undone by <@U2> (retraction #5)" in updated["blocks"][-1]["elements"][0]["text"]
    assert updated["text"].endswith("(undone)")


def _overview(i: int) -> dict[str, Any]:
    return {
        "agreement": f"deal-{i}",
        "title": f"Deal {i}",
        "as_of": "2024-06-03",
        "role": "admin",
        "channels": ["C1"],
        "demand": {"available": True, "state": "available"},
        "delay": {
            "active": False,
            "expires": None,
            "days_used_12m": 0,
            "next_start_allowed": "2024-06-03",
        },
        "delay_limit": {"max_days": 90, "period_months": 12},
        "deadlines": [
            {
                "kind": "holder_notice",
                "section": "2(a)",
                "title": "Notice",
                "due": f"2024-06-{10 + d:02d}",
                "days_left": 7 + d,
                "status": "open",
            }
            for d in range(8)
        ],
    }


def test_home_view_stays_within_a_hundred_blocks() -> None:
    view = home_view([_overview(i) for i in range(30)], datetime(2024, 6, 3, tzinfo=UTC))
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    footer = view["blocks"][-1]["elements"][0]["text"]
    assert f"{30 - MAX_AGREEMENTS} more agreements are not shown" in footer
    shown = str(view)
    assert "… and 3 more" in shown
    assert "0 days used of 90 in 12 months; next may begin 2024-06-03 (Mon)" in shown
