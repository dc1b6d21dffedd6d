"""The envelope of every answer: the typed answer for the fronts to render, the data of the
`--json` contract (SPEC §7; a question's is its answer's own `json()`), the exit status, and
how a front should deliver it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from domain.services.answers import Answer, Malformed, OwnJson


class ExitCode(IntEnum):
    """How a command went, as every subcommand's exit status says it (SPEC §11)."""

    OK = 0
    REFUSED = 1  # by the agreement or a role
    MALFORMED = 2  # malformed input or bad configuration
    UNAVAILABLE = 3  # the database, Slack
    BUG = 70  # BSD's EX_SOFTWARE: none of the above, a defect to report


@dataclass
class Reply:
    """One answer. `announce`: the channel is told (rendered without a delay's reason)."""

    ok: bool
    answer: Answer
    data: dict[str, Any]
    exit_code: ExitCode = ExitCode.OK
    announce: bool = False
    recorded_seq: int | None = None
    agreement_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def answered(
        cls,
        answer: OwnJson,
        warnings: list[str] | None = None,
        *,
        announce: bool = False,
        agreement_id: int | None = None,
    ) -> Reply:
        """An answer whose `--json` object is its own."""
        return cls(
            ok=True,
            answer=answer,
            data=answer.json(),
            warnings=warnings or [],
            announce=announce,
            agreement_id=agreement_id,
        )

    @classmethod
    def refused(cls, answer: Answer, error: str, section: str | None = None, **extra: Any) -> Reply:
        return cls(
            ok=False,
            answer=answer,
            data={"ok": False, "error": error, "section": section, **extra},
            exit_code=ExitCode.REFUSED,
        )

    @classmethod
    def malformed(cls, error: str, usage: str | None) -> Reply:
        answer = Malformed(error, usage)
        return cls(ok=False, answer=answer, data=answer.json(), exit_code=ExitCode.MALFORMED)
