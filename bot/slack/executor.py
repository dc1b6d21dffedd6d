"""Bolt's thread pool, holding back the work a request starts until its ack has been sent.

A listener hands its work to the pool from inside Bolt's `dispatch`, before the WSGI server has
written the ack. Started at once, that work would compete for the interpreter with the thread
still writing the ack, and the ack would wait for a share of it. The WSGI app dispatches a
request inside `holding()` and releases what it held once the server has written the response
(the response iterable's `close()`). Work submitted outside `holding()` (Socket Mode, the alert
pass) starts at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_Held = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class HeldWork:
    """Work held back while one request was dispatched; `release()` starts it (once)."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool
        self._items: list[_Held] = []
        self._lock = threading.Lock()

    def add(self, item: _Held) -> None:
        with self._lock:
            self._items.append(item)

    def release(self) -> None:
        with self._lock:
            items, self._items = self._items, []
        for future, fn, args, kwargs in items:
            self._pool.submit(_settle, future, fn, args, kwargs)


class AfterAckExecutor(Executor):
    def __init__(self, max_workers: int = 5) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="bolt-work")
        self._local = threading.local()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        held: HeldWork | None = getattr(self._local, "held", None)
        if held is None:
            return self._pool.submit(fn, *args, **kwargs)
        future: Future[T] = Future()
        held.add((future, fn, args, kwargs))
        return future

    @contextmanager
    def holding(self) -> Iterator[HeldWork]:
        """Work submitted by this thread inside the block waits for the `HeldWork`'s
        `release()`, which the caller makes once the ack is written."""
        held = HeldWork(self._pool)
        self._local.held = held
        try:
            yield held
        finally:
            self._local.held = None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _settle(
    future: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:
        future.set_exception(exc)
    else:
        future.set_result(result)
