"""`regrights calendar` and `regrights timeline` (run as the console script runs them), and what
a process leaves unloaded."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env
from icalendar import Calendar
from in_process import regrights
from slack_standin import SlackStandIn

AS_OF = "2026-03-20"


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return cli_env(database_url)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return regrights(*args, env=env)


def cmd(env: dict[str, str], as_of: str, *words: str) -> dict[str, Any]:
    done = run(env, "cmd", "--json", "--as-of", as_of, *words)
    assert done.returncode == 0, done.stdout + done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def usual_deal(env: dict[str, str]) -> None:
    """The agreement's usual deadlines: a demand, its notice, a planned filing, a delay."""
    cmd(env, "2026-01-05", "s3-eligible")
    cmd(env, "2026-03-02", "demand", "100000")
    cmd(env, "2026-03-05", "holders-notified", "by", "mail")
    cmd(env, "2026-03-05", "filing-planned", "2026-05-01")
    cmd(env, "2026-03-16", "delay", "30", "reason", "ii")


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def test_the_ics_file_has_the_due_dates_deadlines_gives_and_keeps_its_uids(
    env: dict[str, str], tmp_path: Path
) -> None:
    usual_deal(env)
    out = tmp_path / "deal.ics"
    done = run(env, "calendar", "--as-of", AS_OF, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "3 deadlines" in done.stdout
    raw = out.read_bytes()
    events = Calendar.from_ical(raw).walk("VEVENT")
    deadlines = cmd(env, AS_OF, "deadlines")["deadlines"]
    assert sorted(e.decoded("DTSTART").isoformat() for e in events) == sorted(
        d["due"] for d in deadlines
    )
    assert {str(e["UID"]).split("#")[0] for e in events} == {d["kind"] for d in deadlines}
    unfolded = raw.decode().replace("\r\n ", "").lower()
    assert "reason" not in unfolded and "financing" not in unfolded
    uids = {str(e["UID"]): e.decoded("DTSTART") for e in events}

    cmd(env, AS_OF, "delay", "extend", "10")
    again = tmp_path / "again.ics"
    assert run(env, "calendar", "--as-of", AS_OF, "--out", str(again)).returncode == 0
    moved = {
        str(e["UID"]): e.decoded("DTSTART")
        for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")
    }
    assert set(moved) == set(uids)
    changed = {uid for uid in uids if uids[uid] != moved[uid]}
    assert [uid.split("#")[0] for uid in changed] == ["delay_expiry"]


def test_the_timeline_png_is_drawn_at_its_size(env: dict[str, str], tmp_path: Path) -> None:
    usual_deal(env)
    out = tmp_path / "timeline.png"
    done = run(env, "timeline", "--as-of", AS_OF, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert png_size(out.read_bytes()) == (1200, 675)
    # The data it draws are those `status` gives.
    drawn = cmd(env, AS_OF, "timeline")
    status = cmd(env, AS_OF, "status")
    assert drawn["days_used_12m"] == status["delay"]["days_used_12m"] == 30
    assert drawn["next_start_allowed"] == status["delay"]["next_start_allowed"] == "2027-03-16"
    assert [w["days_used"] for w in drawn["windows"]] == [30, 30]
    assert [d["due"] for d in drawn["deadlines"]] == [d["due"] for d in status["deadlines"]]


def test_bad_input_is_one_line_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    cmd(env, AS_OF, "status")  # the agreement, bound to the default channel
    out = tmp_path / "never.ics"
    bad_date = run(env, "calendar", "--as-of", "2026-02-30", "--out", str(out))
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr
    unbound = run(env, "timeline", "--channel", "CNOWHERE", "--out", str(tmp_path / "t.png"))
    assert unbound.returncode == 1 and "setup" in unbound.stderr
    unwritable = run(env, "calendar", "--out", str(tmp_path / "no" / "such" / "dir.ics"))
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr
    for done in (bad_date, unbound, unwritable):
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "t.png").exists()


_LOADED = """
import sys
{setup}
print(json.dumps(sorted(m for m in ("matplotlib", "numpy", "PIL") if m in sys.modules)))
"""


@pytest.mark.parametrize(
    ("setup", "loaded"),
    [
        # `regrights --help`
        (
            "import json\nfrom bot.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass",
            [],
        ),
        # What `regrights serve` builds in HTTP mode: the app, the service and the feed route.
        (
            "import json\n"
            "from bot.http.app import database_health, make_wsgi_app\n"
            "from bot.http.calendar_route import calendar_route\n"
            "from bot.wiring import utc_now\n"
            "from bot.wiring import build_service, open_database\n"
            "from domain.store.unit_of_work import UnitOfWork\n"
            "from bot.settings import Settings\n"
            "from bot.slack.app import build_app\n"
            "from domain.store.health import HealthCheck\n"
            "settings = Settings(database_url=sys.argv[1], bot_token='xoxb-standin',"
            " signing_secret='s', app_token=None, api_url=sys.argv[2], admins=frozenset(),"
            " command='/regrights', port=0)\n"
            "engine = open_database(settings.database_url)\n"
            "service = build_service(engine, settings.admins)\n"
            "make_wsgi_app(build_app(settings, service), database_health(HealthCheck(engine)), 's',"
            " calendar_route(UnitOfWork(engine), utc_now))",
            [],
        ),
        # Drawing a picture does load it: the check sees a load when there is one.
        (
            "import json\nfrom datetime import date\n"
            "from bot.outputs.timeline_png import timeline_png\n"
            "from domain.rules.timeline import Timeline\n"
            "from domain.services.answers import TimelineView\n"
            "day = date(2026, 1, 5)\n"
            "timeline_png(TimelineView('x', 'X', Timeline(day, '2(d)', 90, 12, 0, day, False, (), (), ())))",
            ["PIL", "matplotlib", "numpy"],
        ),
    ],
    ids=["help", "serve", "drawing"],
)
def test_the_picture_library_is_not_loaded_until_a_picture_is_asked_for(
    setup: str, loaded: list[str], tmp_path: Path
) -> None:
    script = _LOADED.format(setup=setup)
    database = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    with SlackStandIn() as slack:
        done = subprocess.run(
            [sys.executable, "-c", script, database, slack.api_url],
            env=cli_env(database),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == loaded
