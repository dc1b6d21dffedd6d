"""What the service answers: text for people, data for `--json`, and how a front should show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_MALFORMED = 2


@dataclass
class Reply:
    """One answer. `announcement` is what may be posted in the channel (never a delay's reason);
    `text` is for the person who asked only."""

    ok: bool
    text: str
    data: dict[str, Any]
    exit_code: int = EXIT_OK
    announcement: str | None = None
    recorded_seq: int | None = None
    agreement_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def refused(cls, error: str, section: str | None, text: str, **extra: Any) -> Reply:
        return cls(
            ok=False,
            text=text,
            data={"ok": False, "error": error, "section": section, **extra},
            exit_code=EXIT_REFUSED,
        )

    @classmethod
    def malformed(cls, error: str, usage: str | None) -> Reply:
        text = f"{error}." + (f"\nUsage: `{usage}`" if usage else "")
        return cls(
            ok=False,
            text=text,
            data={"ok": False, "error": error, "section": None, "usage": usage},
            exit_code=EXIT_MALFORMED,
        )
