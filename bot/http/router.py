r"""A small WSGI router: a handler per (method, path pattern); HEAD is served by GET's handler
without its body. Add a route with `router.add("GET", r"/calendar/(?P<token>[^/]+)\.ics", h)`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Called once the server has written the response (WSGI's `close()`).
    after: Callable[[], None] | None = None

    @classmethod
    def json(cls, status: int, payload: Mapping[str, object]) -> Response:
        return cls(status, json.dumps(payload).encode(), {"content-type": ["application/json"]})


Handler = Callable[["WSGIEnvironment", Mapping[str, str]], Response]


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern), handler))

    def route(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | Response:
        allowed = False
        wanted = "GET" if method == "HEAD" else method
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if route_method == wanted:
                return handler, match.groupdict()
            allowed = True
        if allowed:
            return Response.json(405, {"ok": False, "error": "method not allowed"})
        return Response.json(404, {"ok": False, "error": "not found"})

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        found = self.route(method, environ.get("PATH_INFO", ""))
        response = found if isinstance(found, Response) else found[0](environ, found[1])
        headers = [
            (name, value)
            for name, values in response.headers.items()
            if name.lower() != "content-length"
            for value in values
        ]
        headers.append(("content-length", str(len(response.body))))
        phrase = HTTPStatus(response.status).phrase
        start_response(f"{response.status} {phrase}", headers)
        return _Body(b"" if method == "HEAD" else response.body, response.after)


class _Body:
    """The response body; the server calls `close()` once it has written it."""

    def __init__(self, body: bytes, after: Callable[[], None] | None) -> None:
        self._body = body
        self._after = after

    def __iter__(self) -> Iterator[bytes]:
        yield self._body

    def close(self) -> None:
        if self._after is not None:
            after, self._after = self._after, None
            after()
