"""A real `regrights serve` in HTTP mode (gunicorn), against the Slack stand-in, for tests."""

from __future__ import annotations

import signal
import socket
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests
from conftest import REGRIGHTS, cli_env
from slack_harness import ADMIN, SECRET, signed_headers, wait_for
from slack_standin import SlackStandIn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served:
    """A real `regrights serve` (HTTP mode on gunicorn) against the Slack stand-in."""

    def __init__(self, slack: SlackStandIn, tmp_path: Path, *options: str, **settings: str) -> None:
        self.slack = slack
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = tmp_path / "serve.sqlite3"
        env = cli_env(
            f"sqlite:///{self.database}",
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
            REGRIGHTS_ADMINS=ADMIN,
            PORT=str(self.port),
            **settings,
        )
        self.process = subprocess.Popen(
            [REGRIGHTS, *options, "serve"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: healthy(self.base) or self.process.poll() is not None, timeout=30)
        assert self.process.poll() is None, self.process.communicate()[0].decode()

    def slash(
        self, text: str, timeout: float = 5, via: str | None = None
    ) -> tuple[requests.Response, str]:
        """The slash command, signed, sent to `serve` (or to the proxy at `via`)."""
        response_url = self.slack.new_response_url()
        body = urlencode(
            {
                "command": "/regrights",
                "text": text,
                "user_id": ADMIN,
                "channel_id": "C0DEALS",
                "team_id": "T0STANDIN",
                "response_url": response_url,
                "trigger_id": f"{uuid.uuid4().int % 10**12}.1.abc",  # unique, as Slack's are
            }
        )
        headers = signed_headers(body, "application/x-www-form-urlencoded")
        answered = requests.post(
            (via or self.base) + "/slack/events", data=body, headers=headers, timeout=timeout
        )
        return answered, response_url

    def stop(self, sig: signal.Signals) -> str:
        self.process.send_signal(sig)
        output, _ = self.process.communicate(timeout=60)
        return output.decode()

    def workers(self) -> list[int]:
        """gunicorn's worker processes (two for a moment while one replaces the other)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_pid(self) -> int:
        """gunicorn's one worker process."""
        (worker,) = self.workers()
        return worker


def healthy(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False
