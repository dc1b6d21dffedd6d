"""What an alert pass did, or would do: its outcomes and the summary `regrights tick` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AlertOutcome:
    agreement_id: int
    channel: str
    key: str
    text: str
    ts: str | None = None


@dataclass
class PassReport:
    now: datetime
    dry_run: bool = False
    posted: list[AlertOutcome] = field(default_factory=list)
    confirmed: list[AlertOutcome] = field(default_factory=list)  # found already in the channel
    would_post: list[AlertOutcome] = field(default_factory=list)
    pending: list[AlertOutcome] = field(default_factory=list)  # left "sending" for the next pass
    skipped: list[AlertOutcome] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)  # agreements another pass was working on
    failed: list[int] = field(default_factory=list)  # agreements whose pass broke off; logged

    def summary(self) -> str:
        if self.dry_run:
            return f"would post {len(self.would_post)}, unconfirmed {len(self.pending)}"
        return (
            f"posted {len(self.posted)}, found already posted {len(self.confirmed)}, "
            f"unconfirmed {len(self.pending)}, skipped {len(self.skipped)}, "
            f"busy agreements {len(self.busy)}, failed agreements {len(self.failed)}"
        )
