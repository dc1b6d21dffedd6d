"""Slack's mrkdwn: *bold*, `code`, <@U…> mentions, and tables in a code block so they align."""

from __future__ import annotations

from bot.render.markup import aligned


class SlackMarkup:
    def bold(self, text: str) -> str:
        return f"*{text}*"

    def code(self, text: str) -> str:
        return f"`{text}`"

    def mention(self, user: str) -> str:
        return f"<@{user}>"

    def inline(self, sentence: str) -> str:
        return sentence

    def table(self, header: list[str], rows: list[list[str]]) -> str:
        return "```\n" + "\n".join(aligned(header, rows)) + "\n```"


MRKDWN = SlackMarkup()
