"""The envelope of every answer: the typed answer for the fronts to render, the data of the
`--json` contract (SPEC §7), and how a front should deliver it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.services.answers import Answer, Malformed

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_MALFORMED = 2


@dataclass
class Reply:
    """One answer. `announce`: the channel is told (rendered without a delay's reason)."""

    ok: bool
    answer: Answer
    data: dict[str, Any]
    exit_code: int = EXIT_OK
    announce: bool = False
    recorded_seq: int | None = None
    agreement_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def refused(cls, answer: Answer, error: str, section: str | None = None, **extra: Any) -> Reply:
        return cls(
            ok=False,
            answer=answer,
            data={"ok": False, "error": error, "section": section, **extra},
            exit_code=EXIT_REFUSED,
        )

    @classmethod
    def malformed(cls, error: str, usage: str | None) -> Reply:
        return cls(
            ok=False,
            answer=Malformed(error, usage),
            data={"ok": False, "error": error, "section": None, "usage": usage},
            exit_code=EXIT_MALFORMED,
        )
