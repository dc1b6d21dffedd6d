"""The markup a front writes its sentences in. Plain text for the console and `regrights cmd`;
Slack's mrkdwn lives with the Slack front (`bot.slack.markup`)."""

from __future__ import annotations

import re
from typing import Protocol

# Sentences made by the use cases (errors, warnings) mark command words as `code`.
CODE_SPAN = re.compile(r"`([^`\n]+)`")


class Markup(Protocol):
    def bold(self, text: str) -> str: ...

    def code(self, text: str) -> str: ...

    def mention(self, user: str) -> str: ...

    def inline(self, sentence: str) -> str:
        """A sentence from the use cases, its `code` spans in this markup."""
        ...

    def table(self, header: list[str], rows: list[list[str]]) -> str:
        """Columns aligned; every column after the first is a number, right-aligned."""
        ...


def aligned(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in [header, *rows]
    ]


class PlainMarkup:
    """What a terminal shows: no markup at all, command words in double quotes."""

    def bold(self, text: str) -> str:
        return text

    def code(self, text: str) -> str:
        return f'"{text}"'

    def mention(self, user: str) -> str:
        return user

    def inline(self, sentence: str) -> str:
        return CODE_SPAN.sub(r'"\1"', sentence)

    def table(self, header: list[str], rows: list[list[str]]) -> str:
        return "\n".join(aligned(header, rows))


PLAIN = PlainMarkup()
