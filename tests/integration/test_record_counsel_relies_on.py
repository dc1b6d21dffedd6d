"""SPEC §12, a record counsel can rely on: obligations never forgotten, dates that can be true,
nothing to delay after the Termination Date, an early end that keeps its due date. Every date
is computed by hand from the agreement's text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from conftest import ADMIN, EDITOR, Desk, said
from sqlalchemy import Engine

from bot.wiring import build_service, open_database
from domain.services.replies import ExitCode


@pytest.fixture
def sqlite_engine(migrated_sqlite_url: str) -> Iterator[Engine]:
    engine = open_database(migrated_sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def desk(sqlite_engine: Engine) -> Desk:
    desk = Desk(build_service(sqlite_engine, frozenset({ADMIN})), date(2026, 1, 5))
    desk.ok("setup nstor-2002")
    desk.ok(f"grant <@{EDITOR}> editor")
    return desk


def _requested_info(desk: Desk) -> list[dict[str, object]]:
    return [o for o in desk.ok("compliance")["obligations"] if o["kind"] == "requested_info"]


# --------------------------------------------------------------------- compliance never forgets


def test_a_missed_requested_information_notice_survives_a_re_planned_filing(desk: Desk) -> None:
    # §4(a): "At least fifteen (15) days prior to the first anticipated filing date": a filing
    # planned on 05-01 for 06-30 puts the notice due 06-30 - 15 = 06-15. Unsent on 06-20: 5 days.
    desk.today = date(2026, 6, 20)
    desk.ok("filing-planned 2026-06-30 on 2026-05-01", EDITOR)
    [missed] = _requested_info(desk)
    assert (missed["due"], missed["outcome"], missed["days_late"]) == ("2026-06-15", "missed", 5)
    # Re-planned for 07-31: the new notice is due 07-16; the one that ran stays missed.
    replan = desk.say("filing-planned 2026-07-31", EDITOR)
    assert replan.ok, said(replan)
    assert any("§4(a)" in w and "2026-06-15" in w and "never met" in w for w in replan.warnings)
    old, new = _requested_info(desk)
    assert old == {
        **old,
        "due": "2026-06-15",
        "outcome": "missed",
        "closed_on": "2026-06-20",
        "days_late": 5,
    }
    assert (new["due"], new["outcome"], new["closed_on"]) == ("2026-07-16", "open", None)


def test_a_clock_moved_before_it_fell_due_is_superseded(desk: Desk) -> None:
    desk.today = date(2026, 6, 1)
    desk.ok("filing-planned 2026-06-30 on 2026-05-01", EDITOR)  # notice due 06-15
    desk.ok("filing-planned 2026-07-31 on 2026-06-01", EDITOR)  # moved before 06-15: due 07-16
    old, new = _requested_info(desk)
    assert (old["due"], old["outcome"], old["closed_on"]) == (
        "2026-06-15",
        "superseded",
        "2026-06-01",
    )
    assert old["days_late"] is None
    assert (new["due"], new["outcome"]) == ("2026-07-16", "open")
    assert "superseded on 2026-06-01" in said(desk.say("compliance"))


def test_a_delay_ended_early_keeps_its_due_date(desk: Desk) -> None:
    # §2(d): a delay of 30 days from 06-01 expires 07-01; ended on 06-11 it keeps due 07-01.
    desk.today = date(2026, 6, 20)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 1000 on 2026-05-01")
    desk.ok("delay 30 from 2026-06-01", EDITOR)
    desk.ok("delay end on 2026-06-11", EDITOR)
    [expiry] = [o for o in desk.ok("compliance")["obligations"] if o["kind"] == "delay_expiry"]
    assert (expiry["due"], expiry["closed_on"], expiry["outcome"]) == (
        "2026-07-01",
        "2026-06-11",
        "met",
    )


# --------------------------------------------------------------------- dates that can be true


@pytest.mark.parametrize(
    ("history", "line", "why"),
    [
        # The Agreement is "dated as of June 7, 2002".
        (
            ["s3-eligible on 2026-01-05", "demand 1000 on 2026-03-02"],
            "filed on 1900-01-01",
            "2002-06-07",
        ),
        ([], "piggyback-notice on 2001-12-31 by mail", "agreement's date"),
        # A registration "effected by preparing and filing" follows the request it registers.
        (["s3-eligible on 2026-01-05", "demand 1000 on 2026-11-16"], "filed on 2016-11-20", "#2"),
        # "Within ten days after receipt of such request, the Company will give written notice".
        (
            ["s3-eligible on 2026-01-05", "demand 1000 on 2026-03-02"],
            "holders-notified on 2026-03-01",
            "the demand",
        ),
        # §4(a): the anticipated filing date cannot be earlier than the day it is planned.
        ([], "filing-planned 2026-04-20 on 2026-05-01", "before the day the plan was made"),
        (
            ["s3-eligible on 2026-01-05", "demand 1000 on 2026-03-02", "filed on 2026-04-01"],
            "effective on 2026-03-31",
            "the filing",
        ),
        (["suspend on 2026-04-10"], "resume on 2026-04-09", "suspension"),
        (
            ["s3-eligible on 2026-01-05", "demand 1000 on 2026-03-02", "delay 30 from 2026-04-01"],
            "delay end on 2026-03-31",
            "the delay",
        ),
        (["piggyback-notice on 2026-04-01"], "piggyback-requested 100 on 2026-03-30", "notice"),
    ],
)
def test_a_date_that_cannot_be_true_is_refused(
    desk: Desk, history: list[str], line: str, why: str
) -> None:
    desk.today = date(2026, 12, 31)
    for earlier in history:
        desk.ok(earlier, EDITOR)
    before = len(desk.ok("history 200")["events"])
    reply = desk.say(line, EDITOR)
    assert reply.exit_code == ExitCode.MALFORMED, said(reply)
    assert why in reply.data["error"]
    assert "nothing was recorded" in said(reply)
    assert len(desk.ok("history 200")["events"]) == before


def test_a_request_made_after_the_notice_was_deposited_answers_it(desk: Desk) -> None:
    # §9(b): mailed Wed 2026-04-01, the notice is effective four business days later, Tue 04-07;
    # the Investor's request of 04-03, made once the notice was sent, answers it.
    desk.today = date(2026, 4, 30)
    desk.ok("piggyback-notice on 2026-04-01 by mail", EDITOR)
    desk.ok("piggyback-requested 5000 on 2026-04-03", EDITOR)
    [window] = desk.ok("compliance")["obligations"]
    assert (window["kind"], window["due"], window["outcome"]) == (
        "piggyback_request",
        "2026-04-27",
        "met",
    )


# --------------------------------------------------------------------- after the Termination Date


@pytest.mark.parametrize(
    "history",
    [
        [
            "s3-eligible on 2026-01-05",
            "demand 1000 on 2026-02-02",
            "filed on 2026-03-02",
            "effective on 2026-05-01",
            "terminated sold-all on 2026-09-01",
        ],
        [
            "s3-eligible on 2026-01-05",
            "demand 1000 on 2026-02-02",
            "terminated transferred on 2026-03-01",
        ],
    ],
)
def test_nothing_is_left_to_delay_after_the_termination_date(
    desk: Desk, history: list[str]
) -> None:
    desk.today = date(2026, 10, 1)
    for line in history:
        desk.ok(line, EDITOR)
    asked = desk.say("status")
    status = asked.data
    assert status["delay"]["available_days"] == 0
    assert status["delay"]["next_start_allowed"] is None
    assert "Termination Date has passed, and nothing is left to delay" in said(asked)
    refused = desk.say("delay 30", EDITOR)
    assert refused.exit_code == ExitCode.REFUSED, said(refused)
    assert refused.data["section"] == "2(d)"
    assert "Termination Date" in refused.data["error"]
    assert refused.data["next_start_allowed"] is None


# --------------------------------------------------------------------- words that match the numbers


def test_status_gives_the_days_available_on_the_day_it_names(desk: Desk) -> None:
    # §2(d): not "more than once during any twelve (12) month period". A delay began 2026-12-01,
    # so the next may begin 2027-12-01, when all 90 days are available again.
    desk.today = date(2026, 12, 10)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 1000 on 2026-11-02")
    desk.ok("delay 60 from 2026-12-01", EDITOR)
    status = desk.say("status")
    assert status.data["delay"]["next_start_allowed"] == "2027-12-01"
    assert status.data["delay"]["available_days"] == 0  # none may begin on the day asked about
    check = desk.ok("delay check 30 from 2027-12-01")
    assert check["available_days"] == status.data["delay"]["next_start_available_days"] == 90
    assert "next may begin 2027-12-01 (Wed); 90 days available" in said(status)


def test_a_refused_extension_says_the_most_it_can_take(desk: Desk) -> None:
    # 60 days from 2026-12-01 leave 30 of the 90 in the 12 months from 2026-12-01. Asked when
    # the delay has run out, the extension dated within it is judged on that date.
    desk.today = date(2027, 3, 1)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 1000 on 2026-11-02")
    desk.ok("delay 60 from 2026-12-01", EDITOR)
    refused = desk.say("delay extend 31 on 2026-12-10", EDITOR)
    assert refused.exit_code == ExitCode.REFUSED
    assert refused.data["extend_max"] == 30
    assert "extended by at most 30 days" in refused.data["error"]
    assert said(refused).count("at most 30 days") == 1


def test_a_withdrawal_after_effectiveness_states_the_facts_and_stays_flagged(desk: Desk) -> None:
    desk.today = date(2027, 3, 1)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 1000 on 2026-02-02")
    desk.ok("filed on 2026-03-02")
    desk.ok("effective on 2026-05-01")
    desk.ok("withdrawn other on 2026-06-01")

    def flagged() -> list[str]:
        return [w for w in desk.ok("status")["warnings"] if "§2(a)(ii)(C)" in w]

    [warning] = flagged()
    assert "never became effective" not in warning
    assert "effective on 2026-05-01" in warning
    # §2(a)(ii)(A): "does not become effective and remain effective until the Termination
    # Date". The revived right exercised again rests on that reading until it is effected.
    desk.ok("demand 2000 on 2026-07-01")
    [warning] = flagged()
    assert "2026-07-01 rests on that reading" in warning
    desk.ok("filed on 2026-08-03")
    assert len(flagged()) == 1
    desk.ok("effective on 2026-10-01")
    assert flagged() == []


# --------------------------------------------------------------------- given and effective


def test_a_notice_mailed_on_its_due_date_is_given_in_time(desk: Desk) -> None:
    # §9(b): "deemed to be sufficiently given ... when sent by registered mail", "effective ...
    # four business days after deposit". §4(a): notice at least 15 days before 06-30, by 06-15;
    # deposited Mon 06-15, effective Fri 06-19: the duty to give it is met on 06-15.
    desk.today = date(2026, 6, 16)
    desk.ok("filing-planned 2026-06-30 on 2026-05-01", EDITOR)
    sent = desk.say("requested-info-sent on 2026-06-15 by mail", EDITOR)
    assert sent.ok, said(sent)
    assert not [w for w in sent.warnings if "Late" in w or "Missed" in w]
    [info] = _requested_info(desk)
    assert (info["closed_on"], info["outcome"], info["days_late"]) == ("2026-06-15", "met", 0)
    assert desk.ok("deadlines")["deadlines"] == []


def test_a_holders_notice_mailed_on_its_due_date_is_met_and_their_window_runs_from_receipt(
    desk: Desk,
) -> None:
    # §2(a): demand received Mon 03-02, notice due 03-12; deposited Thu 03-12, it takes effect
    # Wed 03-18, and the holders' 15 days run from their receipt: to 04-02.
    desk.today = date(2026, 3, 13)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 1000 on 2026-03-02")
    notified = desk.say("holders-notified on 2026-03-12 by mail", EDITOR)
    assert not [w for w in notified.warnings if "Late" in w or "Missed" in w]
    obligations = {o["kind"]: o for o in desk.ok("compliance")["obligations"]}
    assert obligations["holder_notice"]["outcome"] == "met"
    assert obligations["holder_inclusion"]["due"] == "2026-04-02"
