"""The connection gate: first come, first served, and a wait that ends."""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext

import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from domain.store.database import FairGate, connection_gate, make_engine


def test_waiters_get_their_turn_in_the_order_they_came() -> None:
    gate = FairGate(1, timeout=5)
    order: list[int] = []
    holder = gate.passage()
    holder.__enter__()
    threads = []
    for n in range(6):

        def waiter(n: int = n) -> None:
            with gate.passage():
                order.append(n)

        thread = threading.Thread(target=waiter)
        thread.start()
        threads.append(thread)
        while len(gate._waiting) < n + 1:  # queued before the next one comes
            time.sleep(0.001)
    holder.__exit__(None, None, None)
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4, 5]


def test_the_permit_goes_to_the_first_waiter_not_to_one_coming_back() -> None:
    gate = FairGate(1, timeout=0.2)
    inside = threading.Event()
    leave = threading.Event()

    def waiter() -> None:
        with gate.passage():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=waiter)
    with gate.passage():
        thread.start()
        while not gate._waiting:
            time.sleep(0.001)
    # Straight back after leaving: the permit was handed to the waiter, so this one waits.
    with pytest.raises(PoolTimeoutError), gate.passage():
        pass
    assert inside.wait(5)
    leave.set()
    thread.join(5)


def test_a_wait_that_runs_out_raises_and_leaves_the_line() -> None:
    gate = FairGate(1, timeout=0.05)
    with gate.passage():
        with pytest.raises(PoolTimeoutError), gate.passage():
            pass
        assert not gate._waiting
    with gate.passage():  # the permit came back
        pass


def test_postgresql_engines_have_a_gate_and_sqlite_ones_none() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/postgres")
    assert not isinstance(connection_gate(engine), nullcontext)
    sqlite = make_engine("sqlite://")
    assert isinstance(connection_gate(sqlite), nullcontext)
    engine.dispose()
    sqlite.dispose()
