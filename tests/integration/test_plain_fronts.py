"""The console and `regrights cmd` speak plain text: no Slack markup, aligned tables, every
command's help from the one command table, which the README's table follows."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ADMIN, EDITOR, READER, REGRIGHTS, Desk, cli_env, said
from in_process import regrights

from bot.render.answers import render
from bot.slack.markup import MRKDWN
from domain.services.commands import COMMANDS, Access

ROOT = Path(__file__).resolve().parents[2]
# Slack's mrkdwn: *bold*, `code`, ``` blocks, <@U…> mentions, <url|label> links.
SLACK_MARKUP = re.compile(r"\*[^*\s][^*]*\*|`|<@[A-Z0-9]+[|>]|<https?:")

# A deal from demand to effectiveness, with a delay, its reason, a refusal, a mailed notice,
# a cutback table and an undo: every kind of answer the service gives.
SESSION = [
    ("s3-eligible on 2026-01-05", ADMIN),
    ("demand 250000 on 2026-01-05 by mail", EDITOR),
    ("holders-notified on 2026-01-05", EDITOR),
    ("filing-planned 2026-03-01", EDITOR),
    ("filed on 2026-01-05", EDITOR),
    ("delay 30 reason iii", EDITOR),
    ("delay 10", EDITOR),
    ("delay check 200", READER),
    ("delay 5", READER),
    ("grant <@UJANE> editor", ADMIN),
    ("revoke <@UJANE>", ADMIN),
    ("revoke <@UNOBODY>", ADMIN),
    ("remind leads 10,5,1", ADMIN),
    ("remind at 08:30", ADMIN),
    ("status", EDITOR),
    ("status", READER),
    ("deadlines", READER),
    ("history", EDITOR),
    ("terms", READER),
    ("cutback 1000 company=600 investor=300:1000 longer-named-holder=300:500", READER),
    ("help", READER),
    ("help delay", READER),
    ("undo", EDITOR),
    ("undo", READER),
    ("filed on 2099-01-01", EDITOR),
    ("frobnicate", READER),
    ("setup nstor-2002", ADMIN),
]


def test_no_slack_markup_in_any_plain_answer(desk: Desk) -> None:
    for text, user in SESSION:
        reply = desk.say(text, user)
        for to_channel in (False, True):
            plain = said(reply, to_channel=to_channel)
            assert plain and not SLACK_MARKUP.search(plain), (text, plain)


def test_the_same_answers_in_slack_keep_their_markup(desk: Desk) -> None:
    assert render(desk.say("terms").answer, MRKDWN).startswith("*nStor")
    assert render(desk.say("grant <@UJANE> editor").answer, MRKDWN).startswith("<@UJANE>")


def test_the_cutback_table_lines_up(desk: Desk) -> None:
    reply = desk.say("cutback 1000 company=600 investor=300:1000 longer-named-holder=300:500")
    header, *rows = said(reply).splitlines()[1:5]
    assert header.startswith("holder ")
    # Each column ends at the same place on every line: numbers right-aligned under headers.
    assert len({len(line) for line in [header, *rows]}) == 1
    assert rows[0].split() == ["company", "600", "600"]
    assert rows[2].split()[0] == "longer-named-holder"


def test_every_command_explains_itself(desk: Desk) -> None:
    for spec in COMMANDS:
        text = said(desk.say(f"help {spec.name}", READER))
        assert spec.usage in text and spec.does in text and spec.example in text
        if spec.section:
            assert f"§{spec.section}" in text
        if spec.clock:
            assert spec.clock in text
    extend = said(desk.say("help delay extend", READER))
    assert "Lengthens the running Allowed Delay" in extend and "delay check" not in extend
    family = said(desk.say("help delay", READER))
    assert all(f"delay {sub}" in family for sub in ("extend", "end", "check"))


def test_help_lists_every_command_in_its_group(desk: Desk) -> None:
    text = said(desk.say("help", READER))
    for spec in COMMANDS:
        assert spec.usage in text
    for access in Access:
        assert access.value in text


def test_the_readme_table_follows_the_command_table() -> None:
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `([^`]+)` \| (\w+) \| ([^|]+?) \|", readme, re.MULTILINE)
    documented = {usage.replace("\\|", "|"): (who, does) for usage, who, does in rows}
    who = {Access.ANYONE: "anyone", Access.EDITOR: "editors", Access.ADMIN: "admins"}
    assert set(documented) == {spec.usage for spec in COMMANDS}
    for spec in COMMANDS:
        assert documented[spec.usage] == (who[spec.access], spec.does.replace("|", "\\|"))


def test_the_service_routes_through_the_table_not_isinstance() -> None:
    tree = ast.parse((ROOT / "domain" / "services" / "service.py").read_text())
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance"
    ]
    assert calls == []


@pytest.fixture
def env(sqlite_url: str) -> dict[str, str]:
    return cli_env(sqlite_url)


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [REGRIGHTS, *args], input=stdin, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode in {0, 1, 2}, done.stderr
    return done.stdout


def test_cmd_prints_plain_text(env: dict[str, str]) -> None:
    for words in (["terms"], ["status"], ["setup", "nstor-2002"], ["delay", "abc"], ["help"]):
        done = regrights("cmd", "--as-of", "2026-03-02", *words, env=env)
        assert done.returncode in {0, 1, 2}, done.stderr
        assert done.stdout.strip() and not SLACK_MARKUP.search(done.stdout), done.stdout


def test_the_console_greets_accepts_slash_commands_and_answers_as_of(env: dict[str, str]) -> None:
    out = _run(
        env,
        "console",
        "--as-of",
        "2026-03-02",
        stdin="/regrights s3-eligible\n/regrights status\nstatus\nquit\n",
    )
    banner, *rest = out.splitlines()
    assert "database sqlite:///" in banner and "nstor-2002" in banner
    assert "you are console, admin" in banner and "as of 2026-03-02" in banner
    assert "Recorded #1: s3-eligible on 2026-03-02 (Mon)." in rest
    assert sum("status as of 2026-03-02 (Mon)" in line for line in rest) == 2
    assert not SLACK_MARKUP.search(out)
