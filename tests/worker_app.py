"""A small WSGI app on serve's gunicorn server, for tests/test_http_worker.py:

    python tests/worker_app.py PORT RELEASE_FILE CLIENT_SECONDS

`GET /now` answers at once (its body says whether the environ calls the app multithreaded);
`GET /wait` creates `started` beside RELEASE_FILE, then answers once RELEASE_FILE exists. CLIENT_SECONDS replaces the worker's wait for a
silent client, so a test need not wait ten seconds."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.http import worker
from bot.http.server import Lifecycle, run_gunicorn

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment


def main() -> int:
    port, release, client_seconds = int(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    worker.CLIENT_SECONDS = client_seconds
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/wait":
            release.with_name("started").touch()
            while not release.exists():
                time.sleep(0.01)
        body = f"multithread={environ['wsgi.multithread']}".encode()
        start_response("200 OK", [("content-length", str(len(body)))])
        return [body]

    return run_gunicorn(app, "127.0.0.1", port, Lifecycle(lambda: None, lambda: None))


if __name__ == "__main__":
    sys.exit(main())
