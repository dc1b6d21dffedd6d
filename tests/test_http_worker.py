"""serve's gunicorn worker (`bot.http.worker`), run for real on a small WSGI app
(`tests/worker_app.py`): threads that each accept and answer their own connections."""

from __future__ import annotations

import errno
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from gunicorn.config import Config
from slack_harness import wait_for

from bot.http import worker
from bot.http.worker import AcceptingThreadsWorker

APP = Path(__file__).with_name("worker_app.py")
CLIENT_SECONDS = 0.5


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base: str
    port: int
    release: Path

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> str:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        output, _ = self.process.communicate(timeout=30)
        return output.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/now", timeout=1).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    port = _free_port()
    release = tmp_path / "release"
    process = subprocess.Popen(
        [sys.executable, str(APP), str(port), str(release), str(CLIENT_SECONDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    running = Served(process, f"http://127.0.0.1:{port}", port, release)
    try:
        wait_for(lambda: _answers(running.base) or process.poll() is not None, timeout=30)
        assert process.poll() is None, running.stop()
        yield running
    finally:
        release.touch()
        if process.poll() is None:
            running.stop(signal.SIGINT)


@dataclass
class Pending:
    """A request answered on another thread."""

    url: str
    answer: list[requests.Response | Exception] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._get)
        self._thread.start()

    def _get(self) -> None:
        try:
            self.answer.append(requests.get(self.url, timeout=20))
        except requests.RequestException as exc:
            self.answer.append(exc)

    def result(self) -> requests.Response | Exception:
        self._thread.join(timeout=20)
        return self.answer[0]


def _wait_taken(served: Served) -> Pending:
    """A slow request, once a thread is answering it."""
    waiting = Pending(served.base + "/wait")
    wait_for(served.release.with_name("started").exists)
    return waiting


def _not_answered(served: Served) -> Pending:
    """A request left unanswered: the worker has stopped accepting."""

    def unanswered() -> Pending | None:
        late = Pending(served.base + "/now")
        time.sleep(0.3)
        return None if late.answer else late

    return wait_for(unanswered, timeout=10)


def test_a_slow_request_does_not_hold_up_the_next(served: Served) -> None:
    waiting = _wait_taken(served)
    began = time.monotonic()
    quick = requests.get(served.base + "/now", timeout=5)
    assert quick.status_code == 200
    assert time.monotonic() - began < 1
    assert not waiting.answer  # still waiting
    served.release.touch()
    slow = waiting.result()
    assert isinstance(slow, requests.Response) and slow.status_code == 200


def test_the_app_is_told_it_runs_on_threads(served: Served) -> None:
    assert requests.get(served.base + "/now", timeout=5).text == "multithread=True"


def test_each_answer_closes_its_connection(served: Served) -> None:
    assert requests.get(served.base + "/now", timeout=5).headers["Connection"].lower() == "close"


def test_sigterm_answers_the_request_in_flight_and_takes_no_new_one(served: Served) -> None:
    waiting = _wait_taken(served)
    served.process.send_signal(signal.SIGTERM)
    late = _not_answered(served)
    served.release.touch()
    slow = waiting.result()
    assert isinstance(slow, requests.Response) and slow.status_code == 200
    output = served.stop()
    assert served.process.returncode == 0, output
    assert not isinstance(late.result(), requests.Response)
    assert "Traceback" not in output, output


def test_a_silent_client_is_let_go_without_a_traceback(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port)) as silent:
        silent.settimeout(CLIENT_SECONDS + 5)
        began = time.monotonic()
        assert silent.recv(1024) == b""  # closed by the server, unanswered
        assert CLIENT_SECONDS - 0.1 < time.monotonic() - began < CLIENT_SECONDS + 3
    assert _answers(served.base)  # the thread it held serves again
    output = served.stop()
    assert "AcceptingThreadsWorker" in output, output  # not gunicorn's gthread
    assert f"closed a connection that stalled for {CLIENT_SECONDS:g} s" in output, output
    assert "Traceback" not in output, output


class _ClosedListener:
    def fileno(self) -> int:
        return -1


def test_a_thread_that_fails_stops_the_worker(tmp_path: Path) -> None:
    config = Config()
    config.set("worker_tmp_dir", str(tmp_path))
    log = _Log()
    threads_worker = AcceptingThreadsWorker(0, 0, [_ClosedListener()], None, 30, config, log)
    threads_worker.PIPE = os.pipe()
    stop_read, stop_write = os.pipe()
    try:
        threads_worker._answer(stop_read)  # epoll refuses the listener's descriptor
        assert not threads_worker.alive
        assert os.read(threads_worker.PIPE[0], 1)  # the main thread was woken
        assert log.exceptions == ["an HTTP thread failed; the worker stops and a new one starts"]
    finally:
        for fd in (*threads_worker.PIPE, stop_read, stop_write):
            os.close(fd)


class _RefusingListener:
    def accept(self) -> tuple[socket.socket, object]:
        raise OSError(errno.EMFILE, "Too many open files")


class _Log:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.exceptions: list[str] = []

    def warning(self, message: str, *args: object) -> None:
        self.warnings.append(message % args)

    def exception(self, message: str, *args: object) -> None:
        self.exceptions.append(message % args)


def test_a_failed_accept_is_logged_and_the_thread_goes_on(tmp_path: Path) -> None:
    config = Config()
    config.set("worker_tmp_dir", str(tmp_path))
    log = _Log()
    threads_worker = AcceptingThreadsWorker(0, 0, [], None, 30, config, log)
    began = time.monotonic()
    for _ in range(3):
        threads_worker.answer_one(_RefusingListener())  # type: ignore[arg-type]
    # Warned once for the three, each retried after a pause (no busy loop).
    assert log.warnings == ["could not accept a connection: [Errno 24] Too many open files"]
    assert time.monotonic() - began >= 3 * worker.ACCEPT_BACKOFF_SECONDS


class _OldKernelEpoll:
    """An epoll whose kernel predates EPOLLEXCLUSIVE (Linux before 4.5)."""

    def __enter__(self) -> _OldKernelEpoll:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def register(self, fd: int, events: int) -> None:
        if events & select.EPOLLEXCLUSIVE:
            raise OSError(errno.EINVAL, "Invalid argument")


def test_without_exclusive_wake_up_serve_falls_back_to_gthread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert worker.exclusive_wake_up()
    monkeypatch.setattr(select, "epoll", _OldKernelEpoll)
    assert not worker.exclusive_wake_up()  # a kernel that refuses the flag
    monkeypatch.delattr(select, "EPOLLEXCLUSIVE")
    assert not worker.exclusive_wake_up()  # no epoll at all
