"""`regrights serve`: with no Slack credentials, the console (the embedded default)."""

from __future__ import annotations

from bot.console import run_console


def serve() -> int:
    return run_console()
