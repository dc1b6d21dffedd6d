"""A PostgreSQL server that stops answering (a partition, not a refusal) is reported within
SPEC §11's 10 s: `/healthz` answers 503 and `regrights cmd` fails in one line with exit 3."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
import requests
from conftest import REGRIGHTS, cli_env
from in_process import regrights
from slack_standin import SlackStandIn
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from tcp_proxy import HoldingProxy
from wsgi_server import WSGIThread

from bot.http.app import database_health, make_wsgi_app
from bot.settings import Settings
from bot.slack.app import build_app
from bot.wiring import build_service, open_database
from domain.store.health import HealthCheck

pytestmark = pytest.mark.postgres
LIMIT = 10.0


@pytest.fixture
def proxy(migrated_postgres_url: str) -> Iterator[tuple[HoldingProxy, str]]:
    url = make_url(migrated_postgres_url)
    with HoldingProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
        yield proxy, url.set(port=proxy.port).render_as_string(hide_password=False)


@pytest.fixture
def frozen_engine(proxy: tuple[HoldingProxy, str]) -> Iterator[Engine]:
    engine = open_database(proxy[1])
    yield engine
    engine.dispose()


def test_cmd_against_a_frozen_server_fails_in_one_line(proxy: tuple[HoldingProxy, str]) -> None:
    holding, url = proxy
    env = cli_env(url)
    assert regrights("cmd", "status", env=env).returncode == 0
    holding.hold()
    began = time.monotonic()
    done = subprocess.run(
        [REGRIGHTS, "cmd", "status"], env=env, capture_output=True, text=True, timeout=60
    )
    assert time.monotonic() - began < LIMIT
    assert done.returncode == 3
    (line,) = done.stderr.splitlines()
    assert line.startswith("regrights: the database is unavailable")


def test_healthz_reports_a_frozen_server_within_the_limit(
    proxy: tuple[HoldingProxy, str], frozen_engine: Engine
) -> None:
    holding, _ = proxy
    with SlackStandIn() as slack:
        _healthz_goes_503(holding, frozen_engine, slack)


def _healthz_goes_503(holding: HoldingProxy, frozen_engine: Engine, slack: SlackStandIn) -> None:
    settings = Settings(
        database_url=None,
        bot_token=slack.bot_token,
        signing_secret="secret",
        app_token=None,
        api_url=slack.api_url,
        admins=frozenset(),
        command="/regrights",
        port=3000,
    )
    app = build_app(settings, build_service(frozen_engine, frozenset()))
    with WSGIThread(
        make_wsgi_app(app, database_health(HealthCheck(frozen_engine)), settings.signing_secret)
    ) as server:
        assert requests.get(server.url + "/healthz", timeout=LIMIT).status_code == 200
        holding.hold()
        # The check in flight gives up at its deadline; the next ones, while it still hangs,
        # answer at once.
        for limit in (LIMIT, 1.0, 1.0):
            began = time.monotonic()
            response = requests.get(server.url + "/healthz", timeout=LIMIT)
            assert time.monotonic() - began < limit
            assert response.status_code == 503
            assert "did not answer" in response.json()["error"]
