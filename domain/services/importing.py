"""`regrights import`: a history given as one command per line, recorded all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.rules.compliance import lateness_of
from domain.rules.registration import AgreementState
from domain.services.agreement import Agreement
from domain.services.answers import Imported, ImportFailed
from domain.services.commands import Access, Parsed, parse_command
from domain.services.compliance_record import lateness_warnings
from domain.services.context import Context
from domain.services.grammar import RecordEvent, Undo, UsageError
from domain.services.handlers import recording
from domain.services.replies import Reply
from domain.services.views import warnings as status_warnings


@dataclass(frozen=True)
class Line:
    number: int
    text: str


def command_lines(text: str) -> list[Line]:
    """The lines that hold a command: `#` starts a comment, blank lines are skipped. A UTF-8
    byte-order mark (as Notepad saves a file) is not part of the first line."""
    found = []
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        words = raw.split("#", 1)[0].strip()
        if words:
            found.append(Line(number, words))
    return found


def parse_lines(lines: list[Line]) -> tuple[list[tuple[Line, Parsed]], Reply | None]:
    """Every line's command; or the reply naming the first line that is not one to record."""
    parsed: list[tuple[Line, Parsed]] = []
    for line in lines:
        try:
            command = parse_command(line.text)
        except UsageError as exc:
            return [], line_failed(line, Reply.malformed(exc.message, exc.usage))
        # A line records an event or administers the agreement it is recorded in.
        if command.spec.access is Access.ANYONE or not command.spec.needs_agreement:
            return [], line_failed(
                line,
                Reply.malformed(
                    f"`{command.spec.name}` records nothing here: an import holds events to record",
                    None,
                ),
            )
        parsed.append((line, command))
    return parsed, None


def line_failed(line: Line, reply: Reply) -> Reply:
    """The reply to the whole import when `line` was malformed or refused: nothing recorded."""
    return Reply(
        ok=False,
        answer=ImportFailed(line.number, line.text, reply.answer),
        data={
            "ok": False,
            "line": line.number,
            "error": reply.data["error"],
            "section": reply.data["section"],
        },
        exit_code=reply.exit_code,
    )


def imported(count: int, before: AgreementState, agreement: Agreement, today: date) -> Reply:
    """The whole import's effect: what it recorded late or left overdue, and the warnings of
    the state it leads to (each line's own reply would judge it before the lines after it)."""
    after = agreement.state()
    warnings = lateness_warnings(lateness_of(before, after, today))
    warnings += status_warnings(after, today)
    return Reply(
        ok=True,
        answer=Imported(count, warnings),
        data={"ok": True, "recorded": count, "warnings": warnings},
        warnings=warnings,
    )


def record_line(context: Context, parsed: Parsed) -> Reply | None:
    """Records one line in the import's transaction; None, or the reply refusing it. An event
    is stored without its own reply (the import answers for all its lines at the end)."""
    command = parsed.command
    if isinstance(command, RecordEvent):
        admitted = recording.admit_event(context, command)
    elif isinstance(command, Undo):
        admitted = recording.admit_undo(context, command)
    else:  # grant, revoke, remind, calendar link: as the command alone would
        reply = parsed.spec.handler(context, command)
        return None if reply.ok else reply
    if isinstance(admitted, Reply):
        return admitted
    context.service.add_event(context.store, context.agreement, admitted.event, admitted.after)
    return None
