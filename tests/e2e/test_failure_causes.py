"""A failure names its cause, in Slack as in `cmd` (SPEC §16): the database unavailable, its disk
full, busy. A SQLite database whose folder cannot be written is still read, and a write to it
names the folder."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import REGRIGHTS, cli_env
from slack_harness import ADMIN, CHANNEL, SlackBot, all_text, wait_for
from sqlalchemy.exc import OperationalError

from bot.failures import BUSY
from bot.slack.home import OPEN_DELAY_CHECK_ACTION
from bot.wiring import build_service, open_database
from domain.services.service import Caller, RegRightsService

CAUSES = [
    (OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked")), BUSY),
    (
        OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")),
        "the database's disk is full",
    ),
    (
        OperationalError(
            "SELECT", {}, psycopg.OperationalError("the database did not answer within 4 s")
        ),
        "the database is unavailable: the database did not answer within 4 s",
    ),
]


def _failing(service: RegRightsService, error: Exception, monkeypatch: pytest.MonkeyPatch) -> None:
    def execute(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(service, "execute", execute)


@pytest.mark.parametrize(("error", "cause"), CAUSES)
def test_slack_names_the_cause_of_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, cause: str
) -> None:
    with SlackBot(tmp_path) as bot:
        bot.record("setup nstor-2002")
        bot.open_home(ADMIN)
        wait_for(lambda: bot.slack.published_views())
        assert bot.press_home_button(OPEN_DELAY_CHECK_ACTION, ADMIN).status_code == 200
        check = bot.slack.opened_views()[-1]["view"]
        _failing(bot.service, error, monkeypatch)

        asked, _ = bot.slash("status")
        assert asked.json()["text"].startswith(f"Something went wrong: {cause}")

        recorded, _ = bot.slash("s3-eligible on 2024-01-02")
        assert cause in all_text(recorded.json())
        assert "Nothing was recorded" in all_text(recorded.json())

        answer = bot.submit_view(
            check,
            {
                "agreement": {"type": "conversations_select", "selected_conversation": CHANNEL},
                "days": {"type": "number_input", "value": "30"},
            },
            user=ADMIN,
        ).json()
        assert answer["response_action"] == "errors", answer
        assert answer["errors"].get("days", "").startswith(f"Something went wrong: {cause}"), answer


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """`folder` as a read-only filesystem (root, whom permissions do not stop), or without
    write permission."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    subprocess.run(["mount", "--bind", folder, folder], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", folder], check=True)
        yield
    finally:
        subprocess.run(["umount", folder], check=True)


def test_a_database_in_a_read_only_folder_is_read_and_a_write_names_the_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'regrights.sqlite3'}"
    env = cli_env(url)
    assert subprocess.run([REGRIGHTS, "cmd", "setup", "nstor-2002"], env=env).returncode == 0
    with _read_only(folder):
        status = subprocess.run(
            [REGRIGHTS, "cmd", "status"], env=env, capture_output=True, text=True
        )
        assert status.returncode == 0, status.stderr
        assert "status as of" in status.stdout
        write = subprocess.run(
            [REGRIGHTS, "cmd", "s3-eligible", "on", "2024-01-02"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert write.returncode == 3
        (line,) = write.stderr.splitlines()
        assert f"its folder {folder} is not writable" in line
        assert "nothing can be recorded" in line
        # The full path (Slack's) reads it too.
        engine = open_database(url)
        service = build_service(engine, frozenset({"console"}))
        caller = Caller("console", "console", "test", datetime(2024, 6, 3, 15, tzinfo=UTC))
        assert service.handle("status", caller).ok
        engine.dispose()
