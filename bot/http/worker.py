"""serve's gunicorn worker: gunicorn's sync worker on several threads, each of which accepts
its own connections and answers them.

gunicorn's gthread worker accepts on one thread and hands each connection to a pool; the two
threads then trade the GIL several times before the request is even read, which cost a third
of a millisecond a request here (bench/README.md). In this worker every thread waits on the
listening socket itself, registered with EPOLLEXCLUSIVE so that the kernel wakes one waiter (or
a few) per connection rather than all of them, and the thread that accepts a connection
answers it: gunicorn still parses the request, runs the WSGI app, writes the response and
closes the connection (its sync worker's `handle`), and its arbiter still supervises the
process. The main thread only beats gunicorn's heartbeat and waits for a signal. Should a
thread fail outside a request, the worker stops and the arbiter starts a new one, rather than
serve on with fewer threads.

One connection, one request, as Slack sends them: the sync worker closes each connection after
its answer."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from gunicorn.workers.sync import SyncWorker

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

HEARTBEAT_SECONDS = 1.0  # how often the main thread tells the arbiter the worker is alive
CLIENT_SECONDS = 10.0  # a connection that sends or takes nothing for this long is closed
ACCEPT_BACKOFF_SECONDS = 0.1  # after accept() fails for want of resources (EMFILE, ENOBUFS)
ACCEPT_WARNING_SECONDS = 10.0  # such a failure is logged at most this often


def exclusive_wake_up() -> bool:
    """Whether the kernel can wake one waiter per connection: Linux's epoll, from 4.5 on (an
    older kernel refuses the flag, whatever Python was built with)."""
    if not hasattr(select, "EPOLLEXCLUSIVE"):
        return False
    read_end, write_end = os.pipe()
    try:
        with select.epoll() as probe:
            probe.register(read_end, select.EPOLLIN | select.EPOLLEXCLUSIVE)
    except OSError:
        return False
    finally:
        os.close(read_end)
        os.close(write_end)
    return True


class AcceptingThreadsWorker(SyncWorker):  # type: ignore[misc]
    """`cfg.threads` threads, each accepting and answering connections one at a time."""

    wsgi: WSGIApplication
    _last_accept_warning = float("-inf")

    def load_wsgi(self) -> None:
        super().load_wsgi()
        app = self.wsgi

        def threaded(environ: WSGIEnvironment, start_response: StartResponse) -> Any:
            environ["wsgi.multithread"] = True  # the sync worker's environ says False
            return app(environ, start_response)

        self.wsgi = threaded

    def run(self) -> None:
        for listener in self.sockets:
            listener.setblocking(False)
        stop_read, stop_write = os.pipe()
        threads = [
            threading.Thread(target=self._answer, args=(stop_read,), name=f"http-{n}", daemon=True)
            for n in range(self.cfg.threads)
        ]
        for thread in threads:
            thread.start()
        try:
            while self.alive and self.is_parent_alive():
                self.notify()
                self._wait_for_signal(HEARTBEAT_SECONDS)
        finally:
            os.close(stop_write)  # the pipe reads as closed: every waiting thread returns
        self._finish(threads)
        os.close(stop_read)

    def _wait_for_signal(self, seconds: float) -> None:
        # gunicorn writes a byte to its pipe on every signal (signal.set_wakeup_fd).
        ready, _, _ = select.select([self.PIPE[0]], [], [], seconds)
        if ready:
            with contextlib.suppress(BlockingIOError):
                os.read(self.PIPE[0], 512)

    def _finish(self, threads: list[threading.Thread]) -> None:
        """Let the requests in flight be answered, within gunicorn's graceful timeout."""
        deadline = time.monotonic() + self.cfg.graceful_timeout
        for thread in threads:
            while thread.is_alive() and (left := deadline - time.monotonic()) > 0:
                self.notify()
                thread.join(min(left, HEARTBEAT_SECONDS))

    def _answer(self, stop: int) -> None:
        try:
            self._accept_until_stopped(stop)
        except BaseException:
            self.log.exception("an HTTP thread failed; the worker stops and a new one starts")
            self.alive = False
            os.write(self.PIPE[1], b".")  # wakes the main thread

    def _accept_until_stopped(self, stop: int) -> None:
        listeners = {listener.fileno(): listener for listener in self.sockets}
        with select.epoll() as waiting:
            for fd in listeners:
                waiting.register(fd, select.EPOLLIN | select.EPOLLEXCLUSIVE)
            waiting.register(stop, select.EPOLLIN)
            while self.alive:
                for fd, _ in waiting.poll():
                    if fd == stop or not self.alive:
                        return
                    self.answer_one(listeners[fd])

    def answer_one(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except (BlockingIOError, ConnectionAbortedError):
            return  # another thread took it, or the client gave up first
        except OSError as error:
            # The connection stays queued and every waiting thread retries: warn once a while.
            now = time.monotonic()
            if now - self._last_accept_warning >= ACCEPT_WARNING_SECONDS:
                self._last_accept_warning = now
                self.log.warning("could not accept a connection: %s", error)
            time.sleep(ACCEPT_BACKOFF_SECONDS)
            return
        client.settimeout(CLIENT_SECONDS)
        self.handle(listener, client, address)
