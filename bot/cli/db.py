"""`regrights db upgrade`: the migrations."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = actions.add_parser(
        "upgrade",
        help="apply migrations",
        description="Apply the Alembic migrations to REGRIGHTS_DATABASE_URL.",
    )
    upgrade.set_defaults(func=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    from bot.settings import Settings
    from domain.store.database import make_engine
    from domain.store.migrate import upgrade

    revision = upgrade(make_engine(Settings.from_env().database_url))
    print(f"database at revision {revision}")
    return 0
