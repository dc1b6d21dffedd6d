"""Nothing acknowledged is lost: a real `regrights serve` under 64-way load, a quarter of the
commands writes, is stopped with SIGTERM, reloaded with SIGHUP, or has its worker killed. Every
write whose ack said "Recorded #N" is stored, and every stored write is announced exactly once."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from serve_harness import Served
from slack_harness import wait_for
from slack_standin import SlackStandIn

CLIENTS = 64
WRITE = "piggyback-notice"  # recordable again and again
RECORDED = re.compile(r"Recorded #(\d+):")


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(start_ts=time.time()) as slack:
        yield slack


@dataclass
class Load:
    """CLIENTS threads sending signed commands, each on its own connection, one write in four."""

    served: Served
    acked: list[int] = field(default_factory=list)  # the seq of each write acked as recorded
    answered: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._send, args=(n,), daemon=True) for n in range(CLIENTS)
        ]
        for thread in self._threads:
            thread.start()

    def _send(self, n: int) -> None:
        while not self.stopping.is_set():
            write = n % 4 == 0
            n += 1
            try:
                response, _ = self.served.slash(WRITE if write else "status", timeout=10)
            except requests.RequestException:
                continue  # refused or cut off: never acknowledged
            with self._lock:
                self.answered += 1
                found = RECORDED.search(response.json()["text"]) if write else None
                if response.status_code == 200 and found:
                    self.acked.append(int(found.group(1)))

    def stop(self) -> None:
        self.stopping.set()
        for thread in self._threads:
            thread.join(timeout=15)
        assert not any(thread.is_alive() for thread in self._threads)


def _stored(served: Served) -> set[int]:
    with sqlite3.connect(served.database) as db:
        return {seq for (seq,) in db.execute("SELECT seq FROM event")}


def _pending(served: Served) -> int:
    with sqlite3.connect(served.database) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM announcement WHERE state = 'pending'"
        ).fetchone()
        return int(count)


def _announced(slack: SlackStandIn) -> Counter[int]:
    return Counter(
        int(found.group(1))
        for message in slack.messages("C0DEALS")
        if (found := RECORDED.search(message["text"]))
    )


def _check_nothing_lost(load: Load, served: Served, slack: SlackStandIn) -> None:
    stored = _stored(served)
    assert len(load.acked) == len(set(load.acked))
    assert set(load.acked) <= stored, set(load.acked) - stored
    announced = _announced(slack)
    assert set(announced) == stored, stored ^ set(announced)
    twice = [seq for seq, n in announced.items() if n > 1]
    assert not twice, [
        (m["ts"], m["text"][:60], m["blocks"][0].get("block_id"))
        for m in slack.messages("C0DEALS")
        if (found := RECORDED.search(m["text"])) and int(found.group(1)) in twice
    ]


def _loaded(slack: SlackStandIn, tmp_path: Path, **settings: str) -> tuple[Served, Load]:
    served = Served(slack, tmp_path, **settings)
    assert "nstor-2002" in served.slash("setup nstor-2002")[0].json()["text"]
    load = Load(served)
    wait_for(lambda: len(load.acked) >= 24, timeout=60)
    return served, load


def test_sigterm_under_load_loses_no_acknowledged_write(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    served, load = _loaded(slack, tmp_path)
    try:
        served.process.send_signal(signal.SIGTERM)
        output, _ = served.process.communicate(timeout=60)
    finally:
        load.stop()
    text = output.decode()
    assert served.process.returncode == 0, text
    assert "Traceback" not in text, text
    assert _pending(served) == 0
    _check_nothing_lost(load, served, slack)


def test_a_killed_worker_loses_no_acknowledged_write(slack: SlackStandIn, tmp_path: Path) -> None:
    # A post under way when its worker is killed may or may not have reached Slack; only a
    # look in the channel tells, so exactly once across a kill needs REGRIGHTS_READ_HISTORY
    # (the opt-in of README's scopes table). Without it such a post may appear twice.
    served, load = _loaded(slack, tmp_path, REGRIGHTS_READ_HISTORY="1")
    try:
        os.kill(served.worker_pid(), signal.SIGKILL)
        before = len(load.acked)
        # gunicorn starts a new worker, which answers, and posts what the dead one owed.
        wait_for(lambda: len(load.acked) >= before + 12, timeout=60)
    finally:
        load.stop()
    wait_for(lambda: _pending(served) == 0, timeout=30)
    output = served.stop(signal.SIGTERM)
    assert served.process.returncode == 0, output
    _check_nothing_lost(load, served, slack)


def test_sighup_under_load_loses_no_acknowledged_write(slack: SlackStandIn, tmp_path: Path) -> None:
    served, load = _loaded(slack, tmp_path)
    try:
        old_worker = served.worker_pid()
        before = len(load.acked)
        served.process.send_signal(signal.SIGHUP)  # gunicorn starts a new worker, stops the old
        wait_for(lambda: len(served.workers()) == 2 or old_worker not in served.workers())
        wait_for(lambda: len(load.acked) >= before + 12, timeout=60)
    finally:
        load.stop()
    # The old worker posts what it owes, then ends (on SQLite, its writes wait for the load's).
    wait_for(lambda: old_worker not in served.workers(), timeout=40)
    wait_for(lambda: _pending(served) == 0, timeout=30)
    output = served.stop(signal.SIGTERM)
    assert served.process.returncode == 0, output
    assert "Traceback" not in output, output
    _check_nothing_lost(load, served, slack)


def test_two_workers_under_load_announce_each_acknowledged_write_once(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    # gunicorn's own WEB_CONCURRENCY: each worker process answers, schedules and announces as
    # a separate instance would.
    served, load = _loaded(slack, tmp_path, WEB_CONCURRENCY="2")
    try:
        assert len(served.workers()) == 2
        before = len(load.acked)
        wait_for(lambda: len(load.acked) >= before + 24, timeout=60)
    finally:
        load.stop()
    wait_for(lambda: _pending(served) == 0, timeout=30)
    output = served.stop(signal.SIGTERM)
    assert served.process.returncode == 0, output
    assert "Traceback" not in output, output
    _check_nothing_lost(load, served, slack)
