"""A deal adopted mid-way, obligations met late, and the rules' rough edges, through the service
on real SQLite and PostgreSQL. Every date is computed by hand from the agreement."""

from __future__ import annotations

from datetime import date

from conftest import EDITOR, Desk, said
from sqlalchemy import Engine
from test_service import event_count

from domain.services.replies import ExitCode


def test_a_plan_dated_when_made_lets_the_notice_and_the_filing_follow(desk: Desk) -> None:
    desk.today = date(2026, 9, 20)
    desk.ok("filing-planned 2026-09-15 on 2026-08-01", EDITOR)
    # §4(a): at least 15 days before 09-15, i.e. by 09-15 - 15 = 08-31; sent 09-05: 5 days late.
    sent = desk.say("requested-info-sent on 2026-09-05", EDITOR)
    assert sent.ok, said(sent)
    assert any("§4(a)" in w and "2026-08-31" in w and "5 days late" in w for w in sent.warnings)
    assert "5 days late" in said(sent)
    assert desk.say("filed on 2026-09-15", EDITOR).ok
    [info] = [o for o in desk.ok("compliance")["obligations"] if o["kind"] == "requested_info"]
    assert info == {
        **info,
        "section": "4(a)",
        "due": "2026-08-31",
        "closed_on": "2026-09-05",
        "outcome": "late",
        "days_late": 5,
    }


def test_a_demand_recorded_after_its_notice_window_says_it_is_overdue(desk: Desk) -> None:
    desk.today = date(2026, 3, 20)
    desk.ok("s3-eligible on 2026-01-05")
    # Received 03-02: the other holders' notice is due 03-02 + 10 = 03-12; 03-20 is 8 days on.
    reply = desk.say("demand 1000 on 2026-03-02", EDITOR)
    assert reply.ok
    assert any("§2(a)" in w and "already 8 days overdue" in w for w in reply.warnings)
    assert "already 8 days overdue" in said(reply, to_channel=True)
    [notice] = desk.ok("compliance")["obligations"]
    assert (notice["outcome"], notice["days_late"], notice["closed_on"]) == ("missed", 8, None)


def test_a_filing_without_the_requested_information_notice_is_missed(desk: Desk) -> None:
    desk.today = date(2026, 5, 1)
    desk.ok("filing-planned 2026-05-01 on 2026-04-01")  # notice due 05-01 - 15 = 04-16
    filed = desk.say("filed", EDITOR)
    assert any("never met" in w and "§4(a)" in w and "15 days" in w for w in filed.warnings)
    [info, _effectiveness] = desk.ok("compliance")["obligations"]
    assert (info["outcome"], info["closed_on"], info["days_late"]) == ("missed", "2026-05-01", 15)


def test_withdrawal_grounds_and_the_reading_flagged(desk: Desk) -> None:
    desk.today = date(2026, 4, 1)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 1000 on 2026-03-02")
    desk.ok("holders-notified on 2026-03-05")
    desk.ok("filed on 2026-03-10")
    desk.ok("withdrawn misstatement on 2026-04-01", EDITOR)
    status = desk.ok("status")
    assert status["demand"]["available"] is True
    [warning] = [w for w in status["warnings"] if "withdrew" in w]
    assert "§2(a)(ii)(C)" in warning and "misstatement" in warning
    assert "can be read" not in warning
    desk.ok("undo")
    desk.ok("withdrawn other on 2026-04-01", EDITOR)
    status = desk.ok("status")
    assert status["demand"]["available"] is True
    [warning] = [w for w in status["warnings"] if "withdrew" in w]
    assert "§2(a)(ii)(C)" in warning and "§2(a)(ii)(A)" in warning and "can be read" in warning
    history = desk.ok("history 1")["events"][0]
    assert (history["kind"], history["ground"]) == ("withdrawn", "other")
    # A new demand rests on the same reading: the flag stays until it is effected (SPEC §12).
    desk.today = date(2026, 5, 1)
    desk.ok("demand 500")
    [warning] = [w for w in desk.ok("status")["warnings"] if "withdrew" in w]
    assert "2026-05-01 rests on that reading" in warning


def test_an_allowed_delay_needs_a_registration_to_delay(desk: Desk, engine: Engine) -> None:
    desk.today = date(2026, 3, 2)
    desk.ok("s3-eligible on 2026-01-05")
    refused = desk.say("delay 10", EDITOR)
    assert refused.exit_code == ExitCode.REFUSED and refused.data["section"] == "2(d)"
    assert "§2(d)" in said(refused) and "nothing was recorded" in said(refused).lower()
    assert event_count(engine) == 1
    assert refused.data["next_start_allowed"] is None and "allowed from" not in said(refused)
    delay = desk.ok("status")["delay"]
    assert (delay["available_days"], delay["next_start_allowed"]) == (0, None)
    assert "there is nothing to delay" in said(desk.say("status"))
    # A demand mailed on Mon 03-02 is received four business days later, Fri 03-06 (§9(b)):
    # until then it is not pending.
    desk.ok("demand 1000 by mail")
    assert desk.say("delay 10", EDITOR).exit_code == ExitCode.REFUSED
    desk.ok("undo")
    desk.ok("demand 1000")  # a pending demand is something to delay
    assert desk.ok("status")["delay"]["available_days"] == 90
    assert desk.ok("delay 10")["expires"] == "2026-03-12"


def test_days_available_extension_room_and_restated_expiry(desk: Desk) -> None:
    desk.today = date(2026, 11, 2)
    desk.ok("filed on 2026-10-01")
    assert desk.ok("status")["delay"]["available_days"] == 90
    desk.ok("delay 30", EDITOR)  # 11-02 + 30 → expires 12-02
    desk.today = date(2026, 11, 10)
    delay = desk.ok("status")["delay"]
    assert (delay["available_days"], delay["extend_max"]) == (0, 60)  # 90 - 30
    check = desk.say("delay check 10 from 2026-12-02")
    assert check.exit_code == ExitCode.REFUSED  # a second delay beginning within 12 months
    assert (check.data["available_days"], check.data["extend_max"]) == (0, None)
    refused = desk.say("delay extend 61", EDITOR)
    assert refused.exit_code == ExitCode.REFUSED and refused.data["extend_max"] == 60
    assert "at most 60 days" in said(refused) and "allowed from" not in said(refused)
    extended = desk.say("delay extend 20", EDITOR)  # 11-02 + 50 = 12-22
    assert "now expires on 2026-12-22 (Tue)" in said(extended) and "50 days used" in said(extended)
    assert desk.ok("status")["delay"]["extend_max"] == 40
    undone = desk.say("undo", EDITOR)
    assert "now expires on 2026-12-02 (Wed)" in said(undone) and "30 days used" in said(undone)
    assert undone.data["expires"] == "2026-12-02"


def test_delay_check_words_a_refusal_and_counts_the_extensions(desk: Desk) -> None:
    desk.today = date(2026, 11, 2)
    desk.ok("filed on 2026-10-01")
    desk.ok("delay 30")  # expires 12-02
    desk.today = date(2026, 11, 20)
    desk.ok("delay extend 10")  # expires 11-02 + 40 = 12-12
    check = desk.say("delay check 30 from 2026-11-10")
    assert check.exit_code == ExitCode.REFUSED and check.data["section"] == "2(d)"
    assert said(check).startswith("Would be refused under §2(d)")
    assert "2026-12-12" in said(check) and "2026-12-02" not in said(check)
    assert check.data["extend_max"] == 50  # 90 - 40
    assert desk.ok("status")["delay"]["expires"] == "2026-12-12"


def test_a_stop_order_lifted_before_effectiveness_is_still_not_deemed_effected(
    desk: Desk,
) -> None:
    desk.today = date(2026, 5, 1)
    for text in [
        "s3-eligible on 2026-01-05",
        "demand 1000 on 2026-02-02",
        "holders-notified on 2026-02-03",
        "filed on 2026-03-02",
        "stop-order on 2026-04-01",
    ]:
        desk.ok(text)
    desk.ok("effective on 2026-05-01")  # no new filing needed
    status = desk.ok("status")
    assert status["demand"] == {"available": True, "state": "available"}
    assert any("§2(a)(ii)(A)" in w and "not deemed effected" in w for w in status["warnings"])
    assert "effectiveness" not in {d["kind"] for d in status["deadlines"]}


def test_a_mailed_piggyback_notice_shows_its_deadline_from_the_deposit(desk: Desk) -> None:
    desk.today = date(2026, 12, 31)
    # Deposited Thu 12-31; received 4 business days on (Jan 1 a holiday): Thu 2027-01-07;
    # the Investor's window closes 01-07 + 20 = 2027-01-27.
    reply = desk.say("piggyback-notice by mail", EDITOR)
    assert "due 2027-01-27" in said(reply)
    deadlines = desk.ok("deadlines")["deadlines"]
    assert [(d["kind"], d["due"]) for d in deadlines] == [("piggyback_request", "2027-01-27")]


def test_a_second_demand_names_the_pending_demands_receipt(desk: Desk) -> None:
    desk.today = date(2026, 3, 20)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 100 on 2026-03-10")
    for text in ["demand 200 on 2026-03-15", "demand 200 on 2026-03-01"]:
        refused = desk.say(text)
        assert refused.exit_code == ExitCode.REFUSED and refused.data["section"] == "2(a)(i)"
        assert "the demand received 2026-03-10" in said(refused), said(refused)
        assert "2026-03-01 is still pending" not in said(refused)


def test_the_feb_29_reading_is_stated_and_flagged(desk: Desk) -> None:
    desk.today = date(2028, 2, 29)
    desk.ok("filed on 2028-01-10")
    reply = desk.say("delay 10 from 2028-02-29")
    # dateutil: 2028-02-29 + 12 months = 2029-02-28; the other reading gives 2029-03-01.
    [question] = [w for w in reply.warnings if w.startswith("Drafting question (§2(d))")]
    assert "2029-02-28" in question and "2029-03-01" in question
    desk.today = date(2029, 2, 27)
    early = desk.say("delay check 10")
    assert early.exit_code == ExitCode.REFUSED and early.data["next_start_allowed"] == "2029-02-28"
    desk.today = date(2029, 2, 28)
    allowed = desk.ok("delay check 10")
    assert any("2029-03-01" in w for w in allowed["warnings"])
    desk.today = date(2029, 3, 2)
    assert not any("Drafting question" in w for w in desk.ok("status")["warnings"])


def test_wording_a_lawyer_reads_without_a_glossary(desk: Desk) -> None:
    desk.today = date(2026, 3, 2)
    assert "not-eligible" not in said(desk.say("status"))
    assert "not yet exercisable" in said(desk.say("status"))
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 1000")
    assert "): requested" not in said(desk.say("status"))
    planned = desk.say("filing-planned 2026-04-20", EDITOR)
    assert "filing-planned filing planned" not in said(planned)
    assert "anticipated filing date 2026-04-20 (Mon)" in said(planned)
    terms = said(desk.say("terms"))
    assert "(s)" not in terms and "1 delay beginning" in terms
    # Recorded at 17:00 UTC on 2026-03-02: 12:00 in New York (EST).
    assert "2026-03-02 12:00 EST" in said(desk.say("history"))


def test_the_notice_drafting_note_is_given_once_per_agreement(desk: Desk) -> None:
    desk.today = date(2026, 3, 20)
    desk.ok("s3-eligible on 2026-01-05")
    first = desk.say("demand 1000 on 2026-03-16 by mail")
    assert any("§9(b)" in w for w in first.warnings)
    second = desk.say("holders-notified on 2026-03-18 by mail")
    assert second.ok and not any("§9(b)" in w for w in second.warnings)


def test_an_import_is_all_or_nothing_on_each_database(desk: Desk, engine: Engine) -> None:
    desk.today = date(2026, 5, 1)
    history = (
        "s3-eligible on 2026-01-05\n"
        "demand 1000 on 2026-03-02  # received by hand\n"
        "holders-notified on 2026-03-05\n"
        "filed on 2026-03-20\n"
    )
    refused = desk.service.import_history(history + "demand 5 on 2026-04-01\n", desk.caller())
    assert refused.exit_code == ExitCode.REFUSED
    assert (refused.data["line"], refused.data["section"]) == (5, "2(a)(i)")
    assert event_count(engine) == 0
    done = desk.service.import_history(history, desk.caller(EDITOR))
    assert done.ok and done.data["recorded"] == 4
    # Notice given 03-05, 7 days before the 03-12 due date: met.
    record = {o["kind"]: o["outcome"] for o in desk.ok("compliance")["obligations"]}
    assert record == {
        "holder_notice": "met",
        "holder_inclusion": "lapsed",  # 03-05 + 15 = 03-20, passed
        "effectiveness": "open",  # 03-20 + 180 = 09-16
    }
    assert [e["actor"] for e in desk.ok("history")["events"]] == [EDITOR] * 4
