"""Before serving: Slack accepts SLACK_BOT_TOKEN (`auth.test`), or the failure says why."""

from __future__ import annotations

from urllib.error import URLError

from slack_sdk.errors import SlackApiError

from bot.failures import EXIT_UNAVAILABLE, Failure, describe
from bot.settings import Settings
from bot.slack.app import web_client


def check_bot_token(settings: Settings) -> None:
    client = web_client(settings)
    try:
        client.auth_test()
    except SlackApiError as exc:
        failure = describe(exc)
        assert failure is not None
        raise failure from exc
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Failure(
            f"Slack is unreachable at {client.base_url} ({reason})", EXIT_UNAVAILABLE
        ) from exc
