"""Before serving: Slack accepts SLACK_BOT_TOKEN (`auth.test`), or the failure says why."""

from __future__ import annotations

from urllib.error import URLError

from slack_sdk.errors import SlackApiError

from bot.failures import Failure, slack_api_failure
from bot.settings import Settings
from bot.slack.web_retries import web_client
from domain.services.replies import ExitCode


def check_bot_token(settings: Settings) -> None:
    # Slack's client logs each failed attempt; the failure below says it once, in one line.
    client = web_client(settings, quiet=True)
    try:
        client.auth_test()
    except SlackApiError as exc:
        raise slack_api_failure(exc) from exc
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Failure(
            f"Slack is unreachable at {client.base_url} ({reason})", ExitCode.UNAVAILABLE
        ) from exc
