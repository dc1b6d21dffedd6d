"""`regrights import`: a history given as one command per line, recorded all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.rules.compliance import lateness, obligations
from domain.rules.registration import AgreementState
from domain.services.agreement import Agreement
from domain.services.compliance_record import lateness_warnings
from domain.services.grammar import (
    Command,
    Grant,
    RecordEvent,
    RemindAt,
    RemindLeads,
    Revoke,
    Undo,
    UsageError,
    parse,
)
from domain.services.replies import Reply
from domain.services.summaries import warnings as status_warnings

# What a line may do: record (or undo) an event, or administer the agreement it is recorded in.
IMPORTABLE = (RecordEvent, Undo, Grant, Revoke, RemindLeads, RemindAt)


@dataclass(frozen=True)
class Line:
    number: int
    text: str


def command_lines(text: str) -> list[Line]:
    """The lines that hold a command: `#` starts a comment, blank lines are skipped."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].strip()
        if words:
            found.append(Line(number, words))
    return found


def parse_lines(lines: list[Line]) -> list[tuple[Line, Command]] | Reply:
    """Every line's command, or the reply naming the first line that is not one to record."""
    parsed: list[tuple[Line, Command]] = []
    for line in lines:
        try:
            command = parse(line.text)
        except UsageError as exc:
            return line_failed(line, Reply.malformed(exc.message, exc.usage))
        if not isinstance(command, IMPORTABLE):
            return line_failed(
                line,
                Reply.malformed(
                    f"`{line.text[:40]}` records nothing: an import holds events to record",
                    None,
                ),
            )
        parsed.append((line, command))
    return parsed


def line_failed(line: Line, reply: Reply) -> Reply:
    """The reply to the whole import when `line` was malformed or refused: nothing recorded."""
    error = reply.data.get("error", reply.text)
    return Reply(
        ok=False,
        text=f"Line {line.number} (`{line.text[:80]}`): {reply.text}\n"
        "Nothing was imported: the file is recorded whole or not at all.",
        data={"ok": False, "line": line.number, "error": error, "section": reply.data["section"]},
        exit_code=reply.exit_code,
    )


def imported(count: int, before: AgreementState, agreement: Agreement, today: date) -> Reply:
    """The whole import's effect: what it recorded late or left overdue, and the warnings of
    the state it leads to (each line's own reply would judge it before the lines after it)."""
    after = agreement.state()
    warnings = lateness_warnings(lateness(obligations(before, today), obligations(after, today)))
    warnings += status_warnings(after, today)
    text = f"Imported {count} command{'' if count == 1 else 's'} in one transaction."
    text += "".join(f"\n⚠ {w}" for w in warnings)
    return Reply(ok=True, text=text, data={"ok": True, "recorded": count, "warnings": warnings})
