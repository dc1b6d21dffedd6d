"""Text typed at the console or `regrights cmd` as it would be in Slack."""

from __future__ import annotations


def strip_command_name(line: str, command_name: str) -> str:
    """`/regrights status`, as typed in Slack, is `status` here."""
    first, _, rest = line.partition(" ")
    return rest.strip() if first in {command_name, "/regrights"} else line
