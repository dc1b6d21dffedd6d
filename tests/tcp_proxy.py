"""A TCP proxy for tests that can start holding bytes: a database behind it that stops
answering (a partition), not one that refuses connections."""

from __future__ import annotations

import selectors
import socket
import threading
from typing import Self


class HoldingProxy:
    """Forwards 127.0.0.1:`port` to `target`; after `hold()` it accepts connections and keeps
    every socket open, but passes no byte either way."""

    def __init__(self, target: tuple[str, int]) -> None:
        self._target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._holding = threading.Event()
        self._stopping = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._listener.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._thread.join(5)
        for sock in [self._listener, *self._sockets]:
            sock.close()

    def hold(self) -> None:
        self._holding.set()

    def _run(self) -> None:
        frozen = False
        while not self._stopping.is_set():
            if self._holding.is_set() and not frozen:
                frozen = True
                for sock in self._sockets:  # open, but no longer read: bytes stay where they are
                    if _registered(self._selector, sock):
                        self._selector.unregister(sock)
            for key, _ in self._selector.select(timeout=0.05):
                if key.data is None:
                    self._accept()
                # One select can report both ends of a pair that the first end's close has
                # already unregistered.
                elif _registered(self._selector, key.fileobj):  # type: ignore[arg-type]
                    self._forward(key.fileobj, key.data)  # type: ignore[arg-type]

    def _accept(self) -> None:
        client, _ = self._listener.accept()
        self._sockets.append(client)
        if self._holding.is_set():
            return  # accepted, never answered
        upstream = socket.create_connection(self._target)
        self._sockets.append(upstream)
        self._selector.register(client, selectors.EVENT_READ, upstream)
        self._selector.register(upstream, selectors.EVENT_READ, client)

    def _forward(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            data = source.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._selector.unregister(source)
            self._selector.unregister(sink)
            return
        sink.sendall(data)


def _registered(selector: selectors.BaseSelector, sock: socket.socket) -> bool:
    try:
        selector.get_key(sock)
    except KeyError:
        return False
    return True
