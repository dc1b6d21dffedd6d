"""Why a named event (the Undo button's) cannot be undone, told for what happened."""

from __future__ import annotations

from domain.rules.events import Event, EventKind
from domain.services.answers import AlreadyUndone, NothingToUndo, NotYoursToUndo
from domain.services.replies import Reply


def cannot_undo(events: list[Event], seq: int) -> Reply:
    """Why `seq` is not a standing event the caller may retract: it was already undone, it is
    someone else's, or there is no such event."""
    retraction = next(
        (e for e in events if e.kind is EventKind.RETRACTION and e.facts.retracts == seq), None
    )
    if retraction is not None:
        return Reply.refused(
            AlreadyUndone(seq, retraction.seq, retraction.actor), f"#{seq} is already undone"
        )
    target = next((e for e in events if e.seq == seq), None)
    if target is None or target.kind is EventKind.RETRACTION:
        return Reply.refused(NothingToUndo(seq, only_own=False), "nothing to undo")
    return Reply.refused(NotYoursToUndo(seq, target.actor), f"#{seq} was recorded by someone else")
