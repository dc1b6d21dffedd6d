"""Why a named event (the Undo button's) cannot be undone, said for what happened."""

from __future__ import annotations

from domain.rules.events import Event, EventKind
from domain.services.replies import Reply


def cannot_undo(events: list[Event], seq: int) -> Reply:
    """Why `seq` is not a standing event the caller may retract: it was already undone, it is
    someone else's, or there is no such event."""
    retraction = next(
        (e for e in events if e.kind is EventKind.RETRACTION and e.facts.retracts == seq), None
    )
    if retraction is not None:
        return Reply.refused(
            f"#{seq} is already undone",
            None,
            f"#{seq} is already undone: <@{retraction.actor}> retracted it (#{retraction.seq}). "
            "Nothing more was done.",
        )
    target = next((e for e in events if e.seq == seq), None)
    if target is None or target.kind is EventKind.RETRACTION:
        return Reply.refused(
            f"there is no event #{seq} to undo", None, f"There is no event #{seq} to undo."
        )
    return Reply.refused(
        f"#{seq} was recorded by someone else",
        None,
        f"Refused: #{seq} was recorded by <@{target.actor}>; only they or an admin may undo it. "
        "Nothing was undone.",
    )
