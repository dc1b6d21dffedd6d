"""The Bolt app: the Web API client from the settings (`web_retries.web_client`), one global
middleware that puts the listeners' dependencies in their context, and every listener
registered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack.announcements import Announcements
from bot.slack.listeners import register_listeners
from bot.slack.middleware import Deps, RegrightsMiddleware
from bot.slack.web_retries import web_client
from bot.wiring import utc_now
from domain.services.service import RegRightsService
from domain.store.unit_of_work import UnitOfWork

# A write not stored within this many seconds is abandoned, so that its ack, which says so,
# still reaches Slack within its three seconds.
WRITE_SECONDS = 2.5


def build_app(
    settings: Settings,
    service: RegRightsService,
    *,
    client: WebClient | None = None,
    clock: Callable[[], datetime] = utc_now,
    announcements: Announcements | None = None,
) -> App:
    """`announcements`: where the listeners' writes owe theirs (by default, owed by "regrights"
    and posted with `client`)."""
    client = client or web_client(settings)
    # The ack function runs in the thread that received the request (process_before_response),
    # so an ack never queues behind lazy work in Bolt's thread pool.
    app = App(
        name="regrights",
        client=client,
        signing_secret=settings.signing_secret,
        # Over HTTP the signature is checked before Bolt sees the request (`bot.http.app`),
        # and Socket Mode's requests carry none: Bolt's own check would only repeat it.
        request_verification_enabled=False,
        process_before_response=True,
    )
    if announcements is None:
        assert isinstance(service.uow, UnitOfWork)
        announcements = Announcements(
            service.uow.engine, client, "regrights", clock, read_history=settings.read_history
        )
    app.use(RegrightsMiddleware(Deps(service, clock, announcements, settings.notice_templates)))
    register_listeners(app, settings.command)
    return app
