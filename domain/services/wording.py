"""How a section is cited in the sentences the use cases put in their data (warnings, errors)."""

from __future__ import annotations


def section(ref: str | None) -> str:
    return f"§{ref}" if ref else ""
