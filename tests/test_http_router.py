"""The WSGI router: routes by method and path pattern, HEAD as GET without a body, and the
after-write hook run once the server has written the response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from wsgi_server import WSGIThread

from bot.http.router import Response, Router


def test_routes_patterns_methods_and_head() -> None:
    written: list[str] = []
    router = Router()

    def calendar(_environ: Any, params: Mapping[str, str]) -> Response:
        return Response(
            200,
            f"calendar {params['token']}".encode(),
            {"content-type": ["text/calendar"]},
            after=lambda: written.append(params["token"]),
        )

    router.add("GET", r"/calendar/(?P<token>[A-Za-z0-9]+)\.ics", calendar)
    with WSGIThread(router) as server:
        got = requests.get(server.url + "/calendar/abc123.ics", timeout=5)
        assert (got.status_code, got.text) == (200, "calendar abc123")
        assert got.headers["content-type"] == "text/calendar"
        head = requests.head(server.url + "/calendar/abc123.ics", timeout=5)
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["content-length"] == str(len("calendar abc123"))
        assert requests.post(server.url + "/calendar/abc123.ics", timeout=5).status_code == 405
        assert requests.get(server.url + "/calendar/../x.ics", timeout=5).status_code == 404
        assert requests.get(server.url + "/calendar/abc123.icsx", timeout=5).status_code == 404
    assert written == ["abc123", "abc123"]
