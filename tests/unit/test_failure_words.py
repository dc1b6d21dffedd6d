"""`bot.failures.describe`: which exceptions are which failure, in one line."""

from __future__ import annotations

import sqlite3

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy.exc import OperationalError

from bot.failures import describe
from domain.rules.terms import ProfileError


def _sqlite(message: str) -> OperationalError:
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError(message))


def _slack(error: str) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/auth.test",
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=200,
    )
    return SlackApiError(error, response)


@pytest.mark.parametrize(
    ("exc", "code", "words"),
    [
        (_sqlite("database is locked"), 3, "busy with another write"),
        (_sqlite("database or disk is full"), 3, "database or disk is full"),
        (_slack("invalid_auth"), 2, "Slack refused SLACK_BOT_TOKEN (invalid_auth)"),
        (_slack("ratelimited"), 3, "Slack answered with an error (ratelimited)"),
        (ProfileError("x.yaml", ["id: missing"]), 2, "profile x.yaml: id: missing"),
    ],
)
def test_known_failures(exc: Exception, code: int, words: str) -> None:
    failure = describe(exc)
    assert failure is not None
    assert failure.exit_code == code
    assert words in failure.message
    assert "\n" not in failure.message


def test_a_bug_is_not_dressed_up_as_a_failure() -> None:
    assert describe(KeyError("x")) is None
