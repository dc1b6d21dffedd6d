"""Work a Slack request starts waits until its ack is written (bot.slack.executor)."""

from __future__ import annotations

import threading

import pytest

from bot.slack.executor import AfterAckExecutor


def test_work_submitted_while_holding_starts_when_released() -> None:
    executor = AfterAckExecutor(max_workers=2)
    started = threading.Event()
    with executor.holding() as held:
        future = executor.submit(lambda: started.set() or 42)
    assert not started.wait(0.1)  # the block has ended, the ack is not yet written
    assert not future.done()
    held.release()
    held.release()  # once only
    assert future.result(timeout=5) == 42
    executor.shutdown()


def test_work_submitted_outside_starts_at_once_and_failures_reach_the_future() -> None:
    executor = AfterAckExecutor(max_workers=1)
    assert executor.submit(pow, 2, 10).result(timeout=5) == 1024
    with executor.holding() as held:
        failing = executor.submit(int, "not a number")
    held.release()
    with pytest.raises(ValueError):
        failing.result(timeout=5)
    executor.shutdown()


def test_holding_is_per_thread() -> None:
    executor = AfterAckExecutor(max_workers=2)
    done = threading.Event()
    with executor.holding():
        other = threading.Thread(target=lambda: executor.submit(done.set))
        other.start()
        other.join(5)
        assert done.wait(5)  # another thread's work is not held back
    executor.shutdown()


def test_shutdown_waits_for_released_work() -> None:
    executor = AfterAckExecutor(max_workers=1)
    gate = threading.Event()
    finished: list[int] = []
    with executor.holding() as held:
        executor.submit(lambda: gate.wait(5) and finished.append(1))
    held.release()
    threading.Timer(0.2, gate.set).start()
    executor.shutdown(wait=True)
    assert finished == [1]
