"""Block Kit for replies and announcements, each with a plain-text fallback, built with
slack_sdk's models, which check Slack's limits for each block."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypedDict

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.render.answers import render, warning_line
from bot.slack.markup import MRKDWN
from domain.services.replies import Reply

Block = dict[str, Any]

MAX_BLOCKS = 50  # in one message (slack_sdk checks each block, not their number)
FALLBACK_LIMIT = 3000
UNDO_ACTION_ID = "regrights_undo"
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


def announcement_message(reply: Reply, user: str) -> Message:
    """What the channel sees of a recorded event, with an Undo button unless it is itself an undo."""
    assert reply.announce
    target = _undo_target(reply)
    byline = f"by <@{user}>" + (" · they or an admin may undo it" if target else "")
    text = render(reply.answer, MRKDWN, to_channel=True)
    message = _message(text, reply.warnings, [byline])
    if target is not None:
        message["blocks"].append(_undo_button(target))
    return message


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


def chunks(text: str, limit: int = SectionBlock.text_max_length) -> list[str]:
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
    return SectionBlock(text=MarkdownTextObject(text=text)).to_dict()


def _context(lines: list[str]) -> Block:
    elements = [MarkdownTextObject(text=c) for c in chunks("\n".join(lines))]
    return ContextBlock(elements=elements[: ContextBlock.elements_max_length]).to_dict()


def _undo_button(target: UndoTarget) -> Block:
    confirm = ConfirmObject(
        title=f"Undo #{target.seq}?",
        text=PlainTextObject(text="The event is retracted and the retraction is recorded."),
        confirm="Undo",
        deny="Keep it",
    )
    button = ButtonElement(
        text="Undo", action_id=UNDO_ACTION_ID, value=target.value(), confirm=confirm
    )
    return ActionsBlock(elements=[button]).to_dict()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
