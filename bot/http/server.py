"""HTTP mode on gunicorn's own `gthread` worker: worker processes of threads (one unless
gunicorn's own WEB_CONCURRENCY says more), the app built before it forks. Each worker runs the
alert scheduler and posts announcements as a separate instance would, so several are safe.

SIGTERM: the listening socket is closed at once (new connections are refused, and a load
balancer moves on), the requests in flight are answered, and Bolt's lazy listeners (the
channel announcements) finish, within the graceful timeout. An announcement left unposted
stays owed in the database and is posted at the next start. SIGINT (Ctrl-C) and SIGQUIT stop
at once."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

THREADS = 32  # requests answered at once; a write holds its thread until it is stored
GRACEFUL_SECONDS = 30  # how long SIGTERM waits for requests in flight and their lazy work
MEMORY_TMP_DIR = "/dev/shm"


@dataclass(frozen=True)
class Lifecycle:
    """What the worker process runs once it is up, and once it has answered its last request."""

    started: Callable[[], None]
    stopping: Callable[[], None]


class _Logger(Logger):  # type: ignore[misc]
    """gunicorn's lines go through the process's own logging setup (plain or JSON)."""

    def setup(self, cfg: Any) -> None:
        self.error_log.propagate = True
        self.error_log.setLevel(logging.INFO)
        self.access_log.propagate = False


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
    """Serve until SIGTERM or SIGINT; returns gunicorn's exit status."""

    def post_worker_init(worker: Any) -> None:
        _close_listeners_when_stopping(worker)
        lifecycle.started()

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "worker_class": "gthread",
        "threads": THREADS,
        "graceful_timeout": GRACEFUL_SECONDS,
        # Each request on its own connection, closed after the answer, as Slack sends them.
        "keepalive": 0,
        "logger_class": _Logger,
        "post_worker_init": post_worker_init,
        "worker_exit": lambda _arbiter, _worker: lifecycle.stopping(),
        "proc_name": "regrights",
        # No runtime control over a socket in the home directory: signals are the interface.
        "control_socket_disable": True,
    }
    if Path(MEMORY_TMP_DIR).is_dir():
        # The worker's heartbeat touches a file on every turn of its loop; on a disk-backed
        # /tmp (a container's overlay) that can stall it, so gunicorn advises tmpfs.
        options["worker_tmp_dir"] = MEMORY_TMP_DIR
    arbiter = os.getpid()
    try:
        _Server(app, options).run()
    except SystemExit as exit_:
        if os.getpid() != arbiter:
            raise  # a worker process ends as gunicorn has it end, not as `serve` would
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0


def _close_listeners_when_stopping(worker: Any) -> None:
    """On SIGTERM gthread stops accepting but keeps its copy of the listening socket open until
    its last request is answered, and the kernel goes on queueing connections no one will
    take (the arbiter has closed its own copy). Close it the moment gthread stops accepting,
    on its own thread, between two turns of its loop."""
    stop_accepting = worker.set_accept_enabled

    def set_accept_enabled(enabled: bool) -> None:
        stop_accepting(enabled)
        if not enabled and not worker.alive:
            for listener in worker.sockets:
                listener.close()

    worker.set_accept_enabled = set_accept_enabled
