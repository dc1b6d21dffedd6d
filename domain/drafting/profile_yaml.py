"""A drafted profile written as YAML counsel can read: each value with the clause it was
read from quoted above it, each placeholder with why it is one, and the citations at the end
as data, which `profile check` and `terms` show."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from typing import Any

from domain.drafting.draft import Draft
from domain.rules.terms import PLACEHOLDER

_WIDTH = 100
# Values a reader takes in at a glance, written on one line: `{days: 10, section: 2(a)}`.
_INLINE = {"holder_notice", "holder_inclusion", "effectiveness", "request", "lines"}


def draft_yaml(draft: Draft, source: str) -> str:
    out = [
        f"# Drafted by `regrights profile draft` from {source}.",
        "# Every value below was read from the agreement, its clause quoted above it, except",
        f"# those marked {PLACEHOLDER}: the agreement did not say, or not clearly enough.",
        "# `regrights profile check` refuses this file until each of them is filled in.",
    ]
    if draft.missing:
        out.append("# Missing: " + ", ".join(draft.missing))
    _mapping(draft, draft.profile, "", 0, out, set())
    if draft.citations:
        out.append("")
        out.append("# Where each value above comes from (shown by `profile check` and `terms`).")
        out.append("citations:")
        for key, citation in draft.citations.items():
            out.append(f"  {key}:")
            out.append(f"    section: {_scalar(citation['section'])}")
            out.append(f"    quote: {_scalar(citation['quote'])}")
    return "\n".join(out) + "\n"


def _mapping(
    draft: Draft, node: dict[str, Any], prefix: str, depth: int, out: list[str], quoted: set[str]
) -> None:
    pad = "  " * depth
    for key, value in node.items():
        dotted = f"{prefix}{key}"
        if depth == 0 and isinstance(value, dict):
            out.append("")
        out += _comments(draft, dotted, value, pad, quoted)
        if isinstance(value, dict) and not (key in _INLINE or _is_clock(value)):
            out.append(f"{pad}{key}:")
            _mapping(draft, value, f"{dotted}.", depth + 1, out, quoted)
        elif isinstance(value, dict):
            inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
            out.append(f"{pad}{key}: {{{inner}}}")
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")


def _is_clock(value: dict[str, Any]) -> bool:
    return set(value) <= {"days", "section", "business_days"} and "days" in value


def _comments(draft: Draft, dotted: str, value: Any, pad: str, quoted: set[str]) -> list[str]:
    lines: list[str] = []
    citation = draft.citations.get(dotted) or draft.citations.get(f"{dotted}.days")
    if citation is not None:
        where = _where(citation["section"])
        if citation["quote"] in quoted:
            lines.append(f"{pad}# {where}, quoted above")
        else:
            lines += _wrapped(f'{where}: "{citation["quote"]}"', pad)
            quoted.add(citation["quote"])
    note = draft.notes.get(dotted) or draft.notes.get(f"{dotted}.days")
    if note is not None:
        lines += _wrapped(f"{PLACEHOLDER if _unfilled(value) else 'Note'}: {note}", pad)
    return lines


def _where(section: str) -> str:
    return "Preamble" if section == "preamble" else f"§{section}"


def _unfilled(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_unfilled(v) for v in value.values())
    return bool(value == PLACEHOLDER)


def _wrapped(text: str, pad: str) -> list[str]:
    return [
        f"{pad}# {line}"
        for line in textwrap.wrap(text, _WIDTH - len(pad) - 2, break_on_hyphens=False)
    ]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML string
