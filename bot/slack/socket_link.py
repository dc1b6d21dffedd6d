"""Socket Mode's link to Slack, and whether it is alive (SPEC §14).

A socket can die without closing (a NAT or a proxy dropping it): nothing arrives, and Slack
keeps sending to a connection no one reads. slack_sdk's client pings every `PING_SECONDS` and
drops a connection that has answered no ping for four of them, then opens a new one: a dead
socket is replaced within 8 s (Bolt's default, 10 s pings, took 40 s or more). `/healthz`
calls the link dead sooner, once no pong has come for `ALIVE_SECONDS`."""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode import SocketModeClient

PING_SECONDS = 1.5
ALIVE_SECONDS = 5.0


def socket_handler(app: App, app_token: str | None) -> SocketModeHandler:
    return SocketModeHandler(app, app_token, ping_interval=PING_SECONDS)


def socket_alive(
    client: SocketModeClient, clock: Callable[[], float] = time.time
) -> Callable[[], bool]:
    """For `/healthz`: whether the socket is open and Slack answered a ping lately."""

    def alive() -> bool:
        session = client.current_session
        if session is None or not session.is_active():
            return False
        # Set from the pong Slack echoes, which carries the time its ping was sent.
        last = session.last_ping_pong_time
        return last is None or clock() - last <= ALIVE_SECONDS

    return alive
