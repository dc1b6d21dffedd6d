"""What the benchmarks share: percentiles, free ports, the machine, child processes and a lean
Slack stand-in that notes when each response_url answer arrives. Standard library only.

Every benchmark sends traffic to 127.0.0.1 alone, bounds its loops and stops by itself."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import itertools
import json
import math
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
REGRIGHTS = VENV_BIN / "regrights"
PYTHON = VENV_BIN / "python"
HOST = "127.0.0.1"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ------------------------------------------------------------------ figures


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted values."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def run_together(workers: int, work: Callable[[int], None]) -> float:
    """Run `work(0)` … `work(workers - 1)` in as many threads at once; the wall time taken."""
    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    return (
        f"{os.cpu_count()} cores, {cpu}, {memory}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def header(title: str) -> None:
    print(f"== {title} — {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {machine()}")


# ------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def http_get(port: int, path: str, timeout: float = 2.0) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_healthy(
    port: int, process: subprocess.Popen[bytes], timeout: float = 30.0, path: str = "/healthz"
) -> float:
    """Seconds until GET `path` answers (polled every 5 ms): 200 from /healthz; anything from
    a server with no health check, such as Bolt's development server."""
    began = time.perf_counter()
    deadline = began + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was healthy")
        with contextlib.suppress(OSError, http.client.HTTPException):
            status = http_get(port, path, timeout=1.0)
            if status == 200 or path != "/healthz":
                return time.perf_counter() - began
        time.sleep(0.005)
    raise RuntimeError(f"no answer from {path} on port {port} within {timeout} s")


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the process's peak resident set so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of `pid` and every process below it (Linux /proc)."""
    total = 0.0
    for process in _process_tree(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended since it was listed
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _process_tree(pid: int) -> list[int]:
    found = [pid]
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            children = Path(f"/proc/{pid}/task/{thread}/children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _process_tree(int(child))
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C first (serve's clean stop), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def running(
    command: Sequence[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(command), env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=log.parent
        )
        try:
            yield process
        finally:
            stop(process)


# ------------------------------------------------------------------ Slack


SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-bench"
_TRIGGERS = itertools.count(int(time.time() * 1000))


def signed_slash(
    port: int,
    text: str,
    response_url: str,
    *,
    command: str = "/regrights",
    channel: str = "CBENCH",
    user: str = "UADMIN",
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    """POST a slash command signed as Slack signs it, on a new connection (as Slack does)."""
    body = urlencode(
        {
            "token": "legacy",
            "team_id": "TBENCH",
            "team_domain": "bench",
            "channel_id": channel,
            "channel_name": "bench",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "ABENCH",
            "response_url": response_url,
            "trigger_id": f"{next(_TRIGGERS)}.1.bench",  # unique, as Slack's are
        }
    ).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(
        SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(
            "POST",
            "/slack/events",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={signature}",
            },
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Arrival:
    event: threading.Event = field(default_factory=threading.Event)
    at: float = math.nan  # perf_counter when the POST to the response_url was read
    payload: dict[str, Any] = field(default_factory=dict)


class SlackStandIn:
    """Slack's side on 127.0.0.1: auth.test and any Web API method answer ok; a POST to
    /response/<id> is noted with the perf_counter of its arrival, and so is each chat.postMessage."""

    def __init__(self) -> None:
        self._arrivals: dict[str, Arrival] = {}
        self._lock = threading.Lock()
        self._seq = 0
        self._posts: list[tuple[float, bytes]] = []  # chat.postMessage: (perf_counter, body)
        self._posted_any = threading.Condition(self._lock)
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                arrived = time.perf_counter()
                if self.path.startswith("/response/"):
                    standin._arrived(self.path.removeprefix("/response/"), arrived, body)
                    reply: dict[str, Any] = {"ok": True}
                else:
                    if self.path.endswith("/chat.postMessage"):
                        standin._posted(arrived, body)
                    reply = {
                        "ok": True,
                        "team_id": "TBENCH",
                        "user_id": "UBOT",
                        "bot_id": "BBOT",
                        "ts": f"{time.time():.6f}",
                        "channel": "CBENCH",
                        "messages": [],
                        "has_more": False,
                    }
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.api_url = f"http://{HOST}:{self.port}/api/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SlackStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def new_response_url(self) -> tuple[str, Arrival]:
        with self._lock:
            self._seq += 1
            key = f"R{self._seq}"
            arrival = self._arrivals[key] = Arrival()
        return f"http://{HOST}:{self.port}/response/{key}", arrival

    def posts(self) -> int:
        with self._lock:
            return len(self._posts)

    def wait_post(self, index: int, timeout: float) -> tuple[float, bytes]:
        """The `index`-th chat.postMessage (from 0): when it arrived, and its body."""
        with self._posted_any:
            if not self._posted_any.wait_for(lambda: len(self._posts) > index, timeout):
                raise TimeoutError(f"no chat.postMessage #{index} within {timeout} s")
            return self._posts[index]

    def _posted(self, at: float, body: bytes) -> None:
        with self._posted_any:
            self._posts.append((at, body))
            self._posted_any.notify_all()

    def _arrived(self, key: str, at: float, body: bytes) -> None:
        with self._lock:
            arrival = self._arrivals.get(key)
        if arrival is None or arrival.event.is_set():
            return
        arrival.at = at
        with contextlib.suppress(ValueError):
            arrival.payload = json.loads(body or b"{}")
        arrival.event.set()


def unset_env() -> dict[str, str]:
    """This environment without any Slack or regrights setting of its own."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REGRIGHTS_"))}


def serve_env(standin: SlackStandIn, database: Path, port: int) -> dict[str, str]:
    """`regrights serve` in HTTP mode against the stand-in and a SQLite file."""
    env = unset_env()
    env.update(
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=standin.api_url,
        REGRIGHTS_DATABASE_URL=f"sqlite:///{database}",
        REGRIGHTS_ADMINS="UADMIN",
        PORT=str(port),
    )
    return env


def seed_agreement(database: Path, channel: str = "CBENCH") -> None:
    """One agreement bound to `channel` with a realistic history: a demand, notices, a filing
    and an Allowed Delay, so `status` has every clock to compute."""
    from datetime import UTC, datetime, timedelta

    from bot.wiring import build_service, open_database
    from domain.services.service import Caller

    engine = open_database(f"sqlite:///{database}")
    service = build_service(engine, frozenset({"UADMIN"}))
    now = datetime.now(UTC)
    caller = Caller("UADMIN", channel, "bench", now)
    service.bootstrap(caller)
    day = (now - timedelta(days=60)).date()
    for text in (
        f"s3-eligible on {day - timedelta(days=30)}",
        f"demand 1000000 on {day}",
        f"holders-notified on {day + timedelta(days=5)}",
        f"filed on {day + timedelta(days=20)}",
        f"delay 30 from {day + timedelta(days=40)} reason i",
    ):
        reply = service.handle(text, caller)
        if not reply.ok:
            raise RuntimeError(f"seeding `{text}` failed: {reply.text}")
    engine.dispose()


@contextlib.contextmanager
def event_recorder(database: Path, channel: str = "CBENCH") -> Iterator[Callable[[], None]]:
    """Records `suspend` and `resume` in turn in the agreement bound to `channel`, as another
    instance would: each call changes what `status` answers."""
    from datetime import UTC, datetime

    from bot.wiring import build_service, open_database
    from domain.services.service import Caller

    engine = open_database(f"sqlite:///{database}")
    service = build_service(engine, frozenset({"UADMIN"}))
    turns = itertools.cycle(["suspend", "resume"])

    def record() -> None:
        text = next(turns)
        reply = service.handle(text, Caller("UADMIN", channel, "bench", datetime.now(UTC)))
        if not reply.ok:
            raise RuntimeError(f"`{text}` failed: {reply.text}")

    try:
        yield record
    finally:
        engine.dispose()
