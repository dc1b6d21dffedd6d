"""What a command line start costs: the schema's revision is checked without Alembic, a read
or an idle alert pass imports no migration, scheduling or Slack machinery, and a question
none of the ORM."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from conftest import cli_env, modules_imported
from sqlalchemy import text

from bot.wiring import build_service, open_database
from domain.services.service import Caller
from domain.store.database import make_engine
from domain.store.location import HEAD
from domain.store.migrate import MIGRATIONS, current_revision, head_revision, upgrade

# Modules a `cmd status` or an idle `tick` must not import.
NOT_ON_THE_READ_PATH = ("alembic", "mako", "pygments", "apscheduler", "slack_sdk", "slack_bolt")
# What a question does not need: the ORM, the models it writes with, and their validation.
NOT_ON_A_QUESTION = ("sqlmodel", "pydantic", "sqlalchemy.orm", "domain.store.tables")


def test_the_head_constant_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD == head_revision()


def test_the_revision_is_read_without_alembic_and_an_upgrade_is_done_once(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    assert current_revision(engine) is None
    assert upgrade(engine) == HEAD
    assert current_revision(engine) == HEAD
    assert upgrade(engine) == HEAD  # nothing left to apply
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0001')"))
    with pytest.raises(RuntimeError, match="several revisions"):
        current_revision(engine)
    engine.dispose()


@pytest.mark.parametrize("command", [["cmd", "status"], ["tick"]])
def test_a_read_and_an_idle_tick_import_no_migration_or_slack_machinery(
    tmp_path: Path, command: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'regrights.sqlite3'}"
    open_database(url).dispose()  # migrated: nothing to apply at start
    run, modules = modules_imported(command, url)
    imported = {name.split(".")[0] for name in modules}
    assert run.returncode == 0, run.stderr
    if command[0] == "cmd":  # an empty database: `cmd` sets up the agreement, through the ORM
        assert "sqlalchemy" in imported  # the check that this sees what was imported
    assert imported.isdisjoint(NOT_ON_THE_READ_PATH), imported & set(NOT_ON_THE_READ_PATH)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (["status"], "running since 2026-01-07"),
        (["history"], "#3 delay 20 days"),
        (["--json", "deadlines"], '"ok": true'),
    ],
)
def test_a_question_is_answered_without_the_orm(
    tmp_path: Path, question: list[str], answer: str
) -> None:
    url = f"sqlite:///{tmp_path / 'regrights.sqlite3'}"
    engine = open_database(url)
    service = build_service(engine, frozenset({"console"}))
    for day, command in (
        (5, "setup nstor-2002"),
        (5, "s3-eligible on 2026-01-05"),
        (6, "demand 100000"),
        (7, "delay 20 from 2026-01-07 reason iii"),
    ):
        now = datetime(2026, 1, day, 17, 0, tzinfo=UTC)
        assert service.handle(command, Caller("console", "CDEAL", "test", now)).ok
    engine.dispose()
    run, modules = modules_imported(
        ["cmd", "--channel", "CDEAL", "--as-of", "2026-01-08", *question], url
    )
    assert run.returncode == 0, run.stderr
    assert answer in run.stdout
    assert "sqlalchemy.engine" in modules  # the check that this sees what was imported
    orm = {m for m in modules for p in NOT_ON_A_QUESTION if m == p or m.startswith(p + ".")}
    assert orm == set()


def test_a_fresh_database_is_still_migrated_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "cmd", "status"],
        env=cli_env(url),
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert current_revision(make_engine(url)) == HEAD


# Computes holiday tables through BusinessCalendar, which loads only the country asked for.
_HOLIDAYS = """
import json, sys
from datetime import date, timedelta
from domain.rules.calendar import BusinessCalendar
calendar = BusinessCalendar(sys.argv[1])
days = [date(2024, 1, 1) + timedelta(days=i) for i in range((date(2027, 1, 1) - date(2024, 1, 1)).days)]
print(json.dumps([[d.isoformat(), calendar.holiday_name(d)] for d in days if calendar.is_holiday(d)]))
print(sum(name.startswith("holidays.countries.") for name in sys.modules))
"""


@pytest.mark.parametrize("country", ["US", "GB"])
def test_one_country_loaded_alone_gives_the_holidays_package_table(country: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _HOLIDAYS, country],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        check=True,
    )
    table, modules = run.stdout.splitlines()
    import holidays

    expected = holidays.country_holidays(country, years=[2024, 2025, 2026])
    assert json.loads(table) == [[d.isoformat(), name] for d, name in sorted(expected.items())]
    assert int(modules) == 1  # the country's own module, not the 250 of them
