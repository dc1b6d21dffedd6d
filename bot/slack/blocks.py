"""Block Kit for replies and announcements, each with a plain-text fallback, within Slack's limits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypedDict

from bot.render.answers import render, warning_line
from bot.slack.markup import MRKDWN
from domain.services.replies import Reply

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000  # a section's text, and a context element's
MAX_BLOCKS = 50  # in one message
MAX_CONTEXT_ELEMENTS = 10
FALLBACK_LIMIT = 3000
UNDO_ACTION_ID = "regrights_undo"
ANNOUNCEMENT_KEY_PREFIX = "regrights_event:"
_FENCE = "```"


class Message(TypedDict):
    text: str
    blocks: list[Block]


@dataclass(frozen=True)
class UndoTarget:
    """What an Undo button retracts: event `seq` of agreement `agreement_id`."""

    seq: int
    agreement_id: int

    def value(self) -> str:
        return json.dumps({"seq": self.seq, "agreement": self.agreement_id})

    @classmethod
    def from_value(cls, value: str) -> UndoTarget:
        raw = json.loads(value)
        return cls(seq=int(raw["seq"]), agreement_id=int(raw["agreement"]))


def private_message(reply: Reply, note: str | None = None) -> Message:
    """The asker's answer: the reply's text, its warnings in a context block, and `note` if any."""
    notes = [note] if note else []
    return _message(render(reply.answer, MRKDWN), reply.warnings, notes)


class KeptMessages:
    """The asker's message for each answer kept by the service, rendered once: a kept answer
    (`RegRightsService.answer_at_once`) is the same Reply object until the agreement's history
    changes, and rendering it costs more than all the rest of its ack."""

    def __init__(self, limit: int = 512) -> None:
        self._limit = limit
        # Keyed by the reply's id; the reply is held too, so its id is not reused meanwhile.
        self._rendered: dict[int, tuple[Reply, Message]] = {}

    def private(self, reply: Reply) -> Message:
        kept = self._rendered.get(id(reply))
        if kept is not None and kept[0] is reply:
            return kept[1]
        message = private_message(reply)
        if len(self._rendered) >= self._limit:
            self._rendered.clear()
        self._rendered[id(reply)] = (reply, message)
        return message


def announcement_message(reply: Reply, user: str) -> Message:
    """What the channel sees of a recorded event, with an Undo button unless it is itself an undo."""
    assert reply.announce
    target = _undo_target(reply)
    byline = f"by <@{user}>" + (" · they or an admin may undo it" if target else "")
    text = render(reply.answer, MRKDWN, to_channel=True)
    message = _message(text, reply.warnings, [byline])
    key = announcement_key(reply)
    if key is not None:
        message["blocks"][0]["block_id"] = key
    if target is not None:
        message["blocks"].append(_undo_button(target))
    return message


def announcement_key(reply: Reply) -> str | None:
    """Names the announcement of a recorded event, in its first block's block_id: Slack returns
    block ids whatever the app's scopes, so a post whose fate is unknown can be looked for."""
    if reply.recorded_seq is None or reply.agreement_id is None:
        return None
    return f"{ANNOUNCEMENT_KEY_PREFIX}{reply.agreement_id}/{reply.recorded_seq}"


def _undo_target(reply: Reply) -> UndoTarget | None:
    # A retraction cannot itself be undone, so its announcement carries no button.
    if reply.recorded_seq is None or reply.agreement_id is None or "undone" in reply.data:
        return None
    return UndoTarget(reply.recorded_seq, reply.agreement_id)


def undone_message(original: dict[str, Any], user: str, retraction_seq: int | None) -> Message:
    """An announcement after its Undo was clicked: the same blocks, the button gone, a note added."""
    blocks = [b for b in original.get("blocks", []) if b.get("type") != "actions"]
    note = f"↩ Undone by <@{user}>" + (f" (retraction #{retraction_seq})" if retraction_seq else "")
    blocks = [*blocks[: MAX_BLOCKS - 1], _context([note])]
    return {"text": _clip(f"{original.get('text', '')} (undone)", FALLBACK_LIMIT), "blocks": blocks}


def _message(text: str, warnings: list[str], notes: list[str]) -> Message:
    warning_lines = {warning_line(w, MRKDWN) for w in warnings}
    body = "\n".join(line for line in text.split("\n") if line not in warning_lines)
    trailers = [
        _context([warning_line(w, MRKDWN) for w in warnings]) if warnings else None,
        _context(notes) if notes else None,
    ]
    tail = [b for b in trailers if b is not None]
    room = MAX_BLOCKS - len(tail) - 1  # one left for an Undo button
    sections = [_section(chunk) for chunk in chunks(body)]
    if len(sections) > room:
        sections = [*sections[: room - 1], _section("… (cut short: the rest did not fit in Slack)")]
    return {"text": _clip(text, FALLBACK_LIMIT), "blocks": [*sections, *tail]}


def chunks(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """`text` cut at line ends into pieces of at most `limit` characters; a code block cut in
    two is closed at the end of one piece and reopened at the start of the next."""
    budget = limit - 2 * (len(_FENCE) + 1)
    pieces: list[list[str]] = [[]]
    size = 0
    fenced = False
    for line in _short_lines(text, budget):
        if pieces[-1] and size + len(line) + 1 > budget:
            if fenced:
                pieces[-1].append(_FENCE)
            pieces.append([_FENCE] if fenced else [])
            size = sum(len(x) + 1 for x in pieces[-1])
        pieces[-1].append(line)
        size += len(line) + 1
        if line.count(_FENCE) % 2:
            fenced = not fenced
    return [joined for joined in ("\n".join(p) for p in pieces) if joined.strip()]


def _short_lines(text: str, limit: int) -> list[str]:
    return [
        line[i : i + limit] for line in text.split("\n") for i in range(0, max(len(line), 1), limit)
    ]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(lines: list[str]) -> Block:
    elements = [{"type": "mrkdwn", "text": c} for c in chunks("\n".join(lines))]
    return {"type": "context", "elements": elements[:MAX_CONTEXT_ELEMENTS]}


def _undo_button(target: UndoTarget) -> Block:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": UNDO_ACTION_ID,
                "text": {"type": "plain_text", "text": "Undo"},
                "value": target.value(),
                "confirm": {
                    "title": {"type": "plain_text", "text": f"Undo #{target.seq}?"},
                    "text": {
                        "type": "plain_text",
                        "text": "The event is retracted and the retraction is recorded.",
                    },
                    "confirm": {"type": "plain_text", "text": "Undo"},
                    "deny": {"type": "plain_text", "text": "Keep it"},
                },
            }
        ],
    }


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
