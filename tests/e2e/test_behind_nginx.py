"""The deployment the README gives for HTTP mode: nginx, from `deploy/nginx.conf`, in front of a
real `regrights serve`. 200 clients trickling a header line every 5 s (as many as there are
gunicorn threads would stop gunicorn alone) leave signed commands answered within 3 s, since
nginx hands gunicorn only whole requests (SPEC §14)."""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from serve_harness import Served, free_port, healthy
from slack_harness import wait_for
from slack_standin import SlackStandIn

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
SLOW_CLIENTS = 200
LINE_EVERY = 5.0  # seconds between two header lines of a slow client
ATTACK_SECONDS = 12.0
ANSWER_LIMIT = 3.0


def deployed_config(tmp_path: Path, listen: int, upstream: int) -> str:
    """deploy/nginx.conf with its ports and paths moved into `tmp_path`, on loopback only;
    every other line as committed."""
    text = CONFIG.read_text()
    replacements = {
        r"listen 80;": f"listen 127.0.0.1:{listen};",
        r"server 127\.0\.0\.1:3000;": f"server 127.0.0.1:{upstream};",
        r"pid /run/nginx\.pid;": f"pid {tmp_path}/nginx.pid;",
        r"/var/log/nginx/": f"{tmp_path}/",
        r"/var/lib/nginx/": f"{tmp_path}/",
    }
    for pattern, replacement in replacements.items():
        text, found = re.subn(pattern, replacement, text)
        assert found, f"deploy/nginx.conf no longer has {pattern!r}"
    return text


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def deployment(slack: SlackStandIn, tmp_path: Path) -> Iterator[tuple[Served, str]]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is needed (the README's test section says how)"
    served = Served(slack, tmp_path, HOST="127.0.0.1")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(deployed_config(tmp_path, port, served.port))
    command = [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proxy = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: healthy(base) or proxy.poll() is not None, timeout=10)
        assert proxy.poll() is None, proxy.communicate()[1]
        yield served, base
    finally:
        proxy.send_signal(signal.SIGQUIT)  # nginx's graceful stop
        proxy.wait(10)
        served.stop(signal.SIGTERM)


class Trickle:
    """SLOW_CLIENTS connections, each sending a request's header one line every LINE_EVERY s."""

    def __init__(self, port: int) -> None:
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(SLOW_CLIENTS)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Trickle:
        for sock in self.sockets:
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: regrights\r\n")
        self._thread.start()
        return self

    def _run(self) -> None:
        line = 0
        while not self._stop.wait(LINE_EVERY):
            line += 1
            for sock in self.sockets:
                # nginx closes one that overstays client_header_timeout: that is its defence.
                with contextlib.suppress(OSError):
                    sock.sendall(f"X-Trickle-{line}: {'a' * 20}\r\n".encode())

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(LINE_EVERY + 1)
        for sock in self.sockets:
            sock.close()


def test_slow_clients_leave_signed_commands_answered_within_3_s(
    deployment: tuple[Served, str],
) -> None:
    served, base = deployment
    answered, _ = served.slash("setup nstor-2002", via=base)
    assert answered.status_code == 200, answered.text
    port = int(base.rsplit(":", 1)[1])
    took: list[float] = []
    with Trickle(port):
        ends = time.monotonic() + ATTACK_SECONDS
        while time.monotonic() < ends:
            began = time.monotonic()
            answered, _ = served.slash("status", timeout=10, via=base)
            took.append(time.monotonic() - began)
            assert answered.status_code == 200, answered.text
            assert "nstor-2002" in answered.text or "Demand" in answered.text, answered.text
            time.sleep(0.5)
        assert requests.get(base + "/healthz", timeout=ANSWER_LIMIT).status_code == 200
    assert len(took) >= 10
    assert max(took) < ANSWER_LIMIT, took
