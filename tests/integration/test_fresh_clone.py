"""What a fresh clone needs: the README's two commands, pinned by constraints.txt, and CI
running exactly the README's test command."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

from conftest import REGRIGHTS, cli_env

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    return re.findall(r"```sh\n(python3 -m venv [^\n]+)\n```", readme)


def _name(requirement: str) -> str:
    bare = re.split(r"[<>=\[;~! ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    run, test = _readme_commands()
    assert run.endswith("regrights serve") and "-c constraints.txt" in run
    assert test.endswith(".venv/bin/pytest") and "-c constraints.txt" in test
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert ci[-1] == test


def test_constraints_pin_every_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    lines = (ROOT / "constraints.txt").read_text("utf-8").splitlines()
    pins = dict(line.split("==", 1) for line in lines if line.strip() and not line.startswith("#"))
    assert {_name(n) for n in pins} >= wanted
    assert "regrights" not in {_name(n) for n in pins}


def test_serve_with_no_slack_settings_in_a_terminal_is_the_console(tmp_path: Path) -> None:
    """The README's first command, as a newcomer types it."""
    primary, secondary = os.openpty()
    done = subprocess.Popen(
        [REGRIGHTS, "serve"],
        env=cli_env(f"sqlite:///{tmp_path / 'regrights.sqlite3'}"),
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(secondary)
    os.write(primary, b"status\nquit\n")
    out, err = done.communicate(timeout=60)
    os.close(primary)
    assert done.returncode == 0, err
    assert out.startswith("regrights console")
    assert "status as of" in out.lower()
