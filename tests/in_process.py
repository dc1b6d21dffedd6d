"""`regrights ARGS` run in this interpreter, as its console script runs it: the same `main`, in
the given environment, stdout and stderr captured, the exit status returned as a finished
process's. A new interpreter per command adds only its start (half a second and more of
imports); the tests of what a real process adds (what it imports, signals, stdin, a terminal,
several processes at once) keep one, through `subprocess`."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from conftest import REGRIGHTS
from sqlalchemy import Engine, event

from bot.cli import main
from bot.logs import QUIET

# One command at a time: each holds the process's environment, streams and logging.
_ONE_AT_A_TIME = threading.Lock()


def regrights(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """What `subprocess.run([REGRIGHTS, *args], env=env, capture_output=True, text=True)` gives,
    without starting an interpreter."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        _ONE_AT_A_TIME,
        _environment(env),
        _logging_restored(),
        _engines_disposed(),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's --help, --version and usage errors
            code = _exit_status(exit_.code)
    return subprocess.CompletedProcess(
        [REGRIGHTS, *args], code, stdout.getvalue(), stderr.getvalue()
    )


def _exit_status(code: object) -> int:
    """The status `sys.exit(code)` leaves (a message is printed on stderr and exits 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    """`main` sets up the root logger as a process's; the test's is put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, quiet_level in quiet.items():
            logging.getLogger(name).setLevel(quiet_level)


@contextlib.contextmanager
def _engines_disposed() -> Iterator[None]:
    """The engines the command opened are closed when it returns, as its process's would be."""
    opened: dict[int, Engine] = {}

    def seen(connection: Any, *_: Any) -> None:
        opened[id(connection.engine)] = connection.engine

    event.listen(Engine, "engine_connect", seen)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", seen)
        for engine in opened.values():
            engine.dispose()
