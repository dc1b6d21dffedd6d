"""HTTP mode on gunicorn: one worker process of threads (`bot.http.worker`), the app built
before it forks.

SIGTERM: gunicorn stops accepting, answers the requests in flight, then the worker's exit hook
waits for the work those requests started after their ack (the response_url answer, the
channel announcement) before the process ends. SIGINT (Ctrl-C) and SIGQUIT stop at once."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from bot.http import worker

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

THREADS = 32  # requests answered at once; an ack takes about a millisecond
GRACEFUL_SECONDS = 30  # how long SIGTERM waits for requests in flight and their work
MEMORY_TMP_DIR = "/dev/shm"


@dataclass(frozen=True)
class Lifecycle:
    """What the worker process runs once it is up, and before it exits."""

    started: Callable[[], None]
    stopping: Callable[[], None]


class _Logger(Logger):  # type: ignore[misc]
    """gunicorn's lines go through the process's own logging setup (plain or JSON)."""

    def setup(self, cfg: Any) -> None:
        self.error_log.propagate = True
        self.error_log.setLevel(logging.INFO)
        self.access_log.propagate = False

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        # A client that stalled past the worker's socket timeout is no fault of ours: one line.
        failed = sys.exc_info()[1]
        if isinstance(failed, TimeoutError) and str(failed) == "timed out":
            self.error_log.info("closed a connection that stalled for %g s", worker.CLIENT_SECONDS)
            return
        super().exception(msg, *args, **kwargs)


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: WSGIApplication, options: dict[str, Any]) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> WSGIApplication:
        return self._app


def run_gunicorn(app: WSGIApplication, host: str, port: int, lifecycle: Lifecycle) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit status."""
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": 1,  # the alert scheduler and Bolt's pool live in one process
        # gthread where the kernel cannot wake one thread per connection (not Linux, or
        # Linux before 4.5).
        "worker_class": worker.AcceptingThreadsWorker if worker.exclusive_wake_up() else "gthread",
        "threads": THREADS,
        "graceful_timeout": GRACEFUL_SECONDS,
        # Each request on its own connection, closed after the answer, as Slack sends them:
        # no idle connection to watch, and a proxy never reuses one that is being closed.
        # (The worker above always closes; gthread needs telling.)
        "keepalive": 0,
        "logger_class": _Logger,
        "post_worker_init": lambda _worker: lifecycle.started(),
        "worker_exit": lambda _arbiter, _worker: lifecycle.stopping(),
        "proc_name": "regrights",
    }
    if Path(MEMORY_TMP_DIR).is_dir():
        # The worker's heartbeat touches a file on every turn of its loop; on a disk-backed
        # /tmp (a container's overlay) that can stall it, so gunicorn advises tmpfs.
        options["worker_tmp_dir"] = MEMORY_TMP_DIR
    try:
        _Server(app, options).run()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0
