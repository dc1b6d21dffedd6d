"""SPEC §12, the position on a day: `--as-of D` answers from the events dated on or before D and
from none dated after it. A random history asked as of D answers what a fresh history holding
only its events dated on or before D answers as of D: status (the demand, the Termination Date,
the delay room, the deadlines, the warnings), deadlines and compliance."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import ADMIN, CHANNEL, cli_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from in_process import regrights

from bot.wiring import build_service, open_database
from domain.services.service import Caller, RegRightsService

RECORDED_ON = date(2028, 6, 30)  # every event is recorded on this day, none in the future
FIRST = date(2026, 1, 1)
SPAN = 700  # days of history

QUESTIONS = ("status", "deadlines", "compliance")


# A database set up once, copied for each history: migrating one per example is slow.
_TEMPLATE = Path(tempfile.mkdtemp()) / "set-up.sqlite3"


def _service(folder: Path, name: str) -> RegRightsService:
    if not _TEMPLATE.exists():
        engine = open_database(f"sqlite:///{_TEMPLATE}")
        _say(build_service(engine, frozenset({ADMIN})), "setup nstor-2002")
        engine.dispose()
    path = folder / f"{name}.sqlite3"
    shutil.copy(_TEMPLATE, path)
    return build_service(open_database(f"sqlite:///{path}"), frozenset({ADMIN}))


def _position(service: RegRightsService, question: str, as_of: date) -> Any:
    """The answer's data, without the keys that name events by their sequence numbers (a
    fresh history numbers its events afresh)."""
    data = _say(service, question, as_of).data
    for record in data.get("obligations", []):
        record.pop("key")
    return data


def _say(service: RegRightsService, text: str, as_of: date | None = None) -> Any:
    now = datetime(RECORDED_ON.year, RECORDED_ON.month, RECORDED_ON.day, 17, tzinfo=UTC)
    return service.handle(text, Caller(ADMIN, CHANNEL, "test", now, as_of))


def _line(kind: str, day: date, number: int, mail: bool) -> str:
    by = " by mail" if mail else ""
    return {
        "s3": f"s3-eligible on {day}",
        "demand": f"demand {number} on {day}{by}",
        "holders": f"holders-notified on {day}{by}",
        "plan": f"filing-planned {day + timedelta(days=number % 60)} on {day}",
        "info": f"requested-info-sent on {day}",
        "filed": f"filed on {day}",
        "effective": f"effective on {day}",
        "stop": f"stop-order on {day}",
        "withdrawn": f"withdrawn {'misstatement' if mail else 'other'} on {day}",
        "suspend": f"suspend on {day}",
        "resume": f"resume on {day}",
        "delay": f"delay {1 + number % 90} from {day}",
        "extend": f"delay extend {1 + number % 40} on {day}",
        "end": f"delay end on {day}",
        "piggyback": f"piggyback-notice on {day}{by}",
        "requested": f"piggyback-requested {number} on {day}",
        "terminated": f"terminated {('sold-all', 'rule144', 'transferred')[number % 3]} on {day}",
    }[kind]


KINDS = [
    "s3",
    "demand",
    "holders",
    "plan",
    "info",
    "filed",
    "effective",
    "stop",
    "withdrawn",
    "suspend",
    "resume",
    "delay",
    "extend",
    "end",
    "piggyback",
    "requested",
    "terminated",
]

events = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, SPAN),
    st.integers(1, 500_000),
    st.booleans(),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(events, min_size=2, max_size=16),
    st.booleans(),
    st.integers(0, SPAN),
)
def test_the_position_on_a_day_is_that_of_the_events_dated_by_then(
    drawn: list[tuple[str, int, int, bool]], in_date_order: bool, asked: int
) -> None:
    if in_date_order:  # most deals are recorded as they happen; some are entered backdated
        drawn = sorted(drawn, key=lambda item: item[1])
    # The demand right needs Short-Form eligibility: most histories begin with it.
    lines = [f"s3-eligible on {FIRST + timedelta(days=3)}"] + [
        _line(kind, FIRST + timedelta(days=offset), number, mail)
        for kind, offset, number, mail in drawn
        if kind != "s3"
    ]
    as_of = FIRST + timedelta(days=asked)
    with tempfile.TemporaryDirectory() as folder:
        whole = _service(Path(folder), "whole")
        recorded = [line for line in lines if _say(whole, line).ok]
        fresh = _service(Path(folder), "fresh")
        events_data = _say(whole, "history 200").data["events"]
        dated_by = {row["seq"] for row in events_data if date.fromisoformat(row["on"]) <= as_of}
        # Recorded again in the order first recorded: each was accepted then, and is now.
        for seq, line in enumerate(recorded, start=1):
            if seq in dated_by:
                reply = _say(fresh, line)
                assert reply.ok, (line, reply.data)
        for question in QUESTIONS:
            asked_whole = _position(whole, question, as_of)
            asked_fresh = _position(fresh, question, as_of)
            assert asked_whole == asked_fresh, (question, as_of, recorded)


def test_import_as_of_a_day_records_as_if_today_were_that_day(tmp_path: Path) -> None:
    # §2(a): received 03-02, the other holders' notice is due 03-12; as of 03-20, 8 days over.
    deal = tmp_path / "deal.txt"
    deal.write_text("s3-eligible on 2026-01-05\ndemand 1000 on 2026-03-02\n")
    env = cli_env(f"sqlite:///{tmp_path / 'as-of.sqlite3'}")

    def imported(as_of: str) -> tuple[int, dict[str, Any]]:
        done = regrights("import", "--json", "--as-of", as_of, str(deal), env=env)
        return done.returncode, json.loads(done.stdout)

    code, early = imported("2026-03-01")  # the demand is not yet received that day
    assert (code, early["line"]) == (1, 2) and "future" in early["error"]
    code, done = imported("2026-03-20")
    assert code == 0 and done["recorded"] == 2
    assert any("8 days overdue" in w for w in done["warnings"])
