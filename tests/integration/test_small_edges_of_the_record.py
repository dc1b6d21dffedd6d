"""Issue 22's smaller points: an import saved by Notepad, a typo, a cutback that asks for shares a
holder does not own, and a database setting that cannot work, each named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import cli_env
from in_process import regrights

from domain.services.commands import parse_command
from domain.services.grammar import UsageError


def test_an_import_saved_with_a_byte_order_mark_and_crlf_is_read(tmp_path: Path) -> None:
    deal = tmp_path / "deal.txt"
    deal.write_bytes(
        "s3-eligible on 2026-01-05\r\ndemand 1000 on 2026-03-02\r\n".encode("utf-8-sig")
    )
    env = cli_env(f"sqlite:///{tmp_path / 'bom.sqlite3'}")
    done = regrights("import", "--json", str(deal), env=env)
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["recorded"] == 2


@pytest.mark.parametrize(
    ("text", "meant"),
    [("dealy 30", "delay"), ("help dealy", "delay"), ("stauts", "status")],
)
def test_a_typo_is_answered_with_the_command_meant(text: str, meant: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_command(text)
    assert f"did you mean `{meant}`?" in raised.value.message
    assert raised.value.usage is not None and raised.value.usage.startswith(meant)


def test_a_word_near_no_command_gets_the_list() -> None:
    with pytest.raises(UsageError) as raised:
        parse_command("xyzzy")
    assert "did you mean" not in raised.value.message
    assert raised.value.usage is not None and raised.value.usage.startswith("commands:")


def test_a_holder_cannot_request_more_shares_than_it_owns() -> None:
    # §2(b)(i): the Investor asks to include "the Registrable Securities of the Investor".
    with pytest.raises(UsageError) as raised:
        parse_command("cutback 1000 company=600 investor=500:400")
    assert "`investor` requests 500 shares but owns 400" in raised.value.message


@pytest.mark.parametrize(
    ("url", "named", "exit_code"),
    [
        ("mysql://user:secret@db/regrights", "names a mysql database", 2),
        ("garbage", "is not a database URL", 2),
        # The setting is sound; the folder it names is not there: unavailable, path named.
        ("sqlite:////nowhere/at/all/regrights.sqlite3", "/nowhere/at/all", 3),
    ],
)
def test_a_database_setting_that_cannot_work_names_the_setting(
    url: str, named: str, exit_code: int
) -> None:
    env = cli_env(url)
    done = regrights("cmd", "--json", "status", env=env)
    assert done.returncode == exit_code, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    assert "REGRIGHTS_DATABASE_URL" in error and named in error
    assert "secret" not in error


def test_the_question_back_ends_the_reply_line_once() -> None:
    from bot.render.answers import render
    from domain.services.replies import Reply

    with pytest.raises(UsageError) as raised:
        parse_command("dealy 30")
    said = render(Reply.malformed(raised.value.message, raised.value.usage).answer)
    assert said.splitlines()[0] == '"dealy" is not a regrights command: did you mean "delay"?'
