"""The service on real SQLite and PostgreSQL: scenarios, refusals that change nothing, roles, undo."""

from __future__ import annotations

from datetime import date

from conftest import ADMIN, CHANNEL, EDITOR, READER, Desk, said
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from domain.services.replies import ExitCode
from domain.store.schema import EVENT


def event_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(EVENT)).one()


def test_a_demand_registration_from_request_to_effectiveness(desk: Desk, engine: Engine) -> None:
    desk.today = date(2026, 3, 2)
    desk.ok("s3-eligible on 2026-01-05", EDITOR)
    desk.ok("demand 250,000", EDITOR)
    desk.today = date(2026, 3, 6)
    desk.ok("holders-notified by mail", EDITOR)  # Fri → Mon 9, Tue 10, Wed 11, Thu 12
    desk.ok("filing-planned 2026-04-20", EDITOR)
    deadlines = desk.ok("deadlines")["deadlines"]
    assert [(d["kind"], d["due"], d["section"]) for d in deadlines] == [
        ("holder_inclusion", "2026-03-27", "2(a)"),
        ("requested_info", "2026-04-05", "4(a)"),
    ]
    desk.today = date(2026, 4, 20)
    desk.ok("filed")
    status = desk.ok("status")
    assert status["demand"] == {"available": False, "state": "filed"}
    assert [d["due"] for d in status["deadlines"]] == ["2026-10-17"]
    desk.today = date(2026, 6, 1)
    desk.ok("effective on 2026-05-29")
    status = desk.ok("status")
    assert status["demand"] == {"available": False, "state": "effective"}
    assert status["deadlines"] == []
    refused = desk.say("demand 10")
    assert refused.exit_code == ExitCode.REFUSED and refused.data["section"] == "2(a)(i)"
    assert event_count(engine) == 6


def test_status_has_the_stable_keys(desk: Desk) -> None:
    status = desk.ok("status")
    assert set(status) >= {
        "ok",
        "as_of",
        "agreement",
        "demand",
        "delay",
        "sales_suspended",
        "termination_date",
        "deadlines",
        "warnings",
    }
    assert set(status["delay"]) == {
        "active",
        "expires",
        "days_used_12m",
        "next_start_allowed",
        "available_days",
        "extend_max",
        "next_start_available_days",
    }
    assert status["agreement"] == "nstor-2002"


def test_delay_caps_and_next_start(desk: Desk, engine: Engine) -> None:
    desk.today = date(2026, 11, 2)
    desk.ok("filed on 2026-10-01", EDITOR)  # something to delay (§2(d))
    reply = desk.ok("delay 30 reason iii", EDITOR)
    assert reply == {
        **reply,
        "start": "2026-11-02",
        "last_day": "2026-12-01",
        "expires": "2026-12-02",
        "days_used_12m": 30,
    }
    before = event_count(engine)
    desk.today = date(2026, 12, 10)
    refused = desk.say("delay 10", EDITOR)
    assert refused.exit_code == ExitCode.REFUSED
    assert refused.data["section"] == "2(d)"
    assert refused.data["next_start_allowed"] == "2027-11-02"
    check = desk.say("delay check 10")
    assert check.data["next_start_allowed"] == "2027-11-02"
    assert desk.ok("delay check 60 from 2027-11-02")["days_used_12m"] == 60
    assert event_count(engine) == before
    status = desk.ok("status")
    assert status["delay"] == {
        "active": False,
        "expires": None,
        "days_used_12m": 30,
        "next_start_allowed": "2027-11-02",
        "available_days": 0,
        "extend_max": None,
        "next_start_available_days": 90,
    }


def test_the_delay_reason_is_for_insiders_only(desk: Desk) -> None:
    desk.today = date(2026, 11, 2)
    desk.ok("filed on 2026-10-01", EDITOR)
    recorded = desk.say("delay 30 reason iii", EDITOR)
    reason_text = "discussions of a merger"
    assert reason_text in said(recorded)
    assert reason_text not in said(recorded, to_channel=True)
    assert "reason" not in str(desk.say("history", READER).data)
    assert reason_text not in said(desk.say("history", READER))
    assert reason_text not in said(desk.say("status", READER))
    assert reason_text in said(desk.say("status", EDITOR))


def test_a_delay_past_a_pending_effectiveness_deadline_warns(desk: Desk) -> None:
    desk.today = date(2026, 3, 2)
    desk.ok("s3-eligible on 2026-01-05")
    desk.ok("demand 10 on 2026-01-05")
    desk.ok("filed on 2026-01-07")  # effectiveness due 2026-07-06
    desk.today = date(2026, 6, 20)
    reply = desk.ok("delay 30")
    assert any("2026-07-06" in w and "does not stop" in w for w in reply["warnings"])


def test_bad_input_changes_nothing(desk: Desk, engine: Engine) -> None:
    before = event_count(engine)
    for text in ["delay 0", "delay -5", "delay abc", "x" * 10_000, "demand 5 on 2026-13-01", "wat"]:
        reply = desk.say(text, EDITOR)
        assert reply.exit_code == ExitCode.MALFORMED, text
        assert not reply.ok and reply.data["usage"]
    assert desk.say("delay 5 reason vii", EDITOR).exit_code == ExitCode.MALFORMED
    future = desk.say("filed on 2099-01-01", EDITOR)
    assert future.exit_code == ExitCode.REFUSED and "future" in said(future)
    assert event_count(engine) == before


def test_roles_are_enforced_in_the_service(desk: Desk, engine: Engine) -> None:
    refused = desk.say("delay 10", READER)
    assert refused.exit_code == ExitCode.REFUSED and "editors and admins" in said(refused)
    assert desk.say("grant <@UOTHER> admin", EDITOR).exit_code == ExitCode.REFUSED
    assert desk.say("status", READER).ok
    desk.ok(f"revoke <@{EDITOR}>")
    assert desk.say("delay 10", EDITOR).exit_code == ExitCode.REFUSED
    assert event_count(engine) == 0


def test_undo_is_a_recorded_retraction_of_your_own_latest_event(desk: Desk, engine: Engine) -> None:
    desk.today = date(2026, 3, 2)
    desk.ok("s3-eligible", ADMIN)
    desk.ok("suspend", EDITOR)
    desk.ok("resume", EDITOR)
    undone = desk.ok("undo", EDITOR)
    assert undone["undone"] == 3
    assert desk.ok("status")["sales_suspended"] is True
    assert desk.ok("undo", EDITOR)["undone"] == 2
    assert desk.say("undo", EDITOR).exit_code == ExitCode.REFUSED  # s3-eligible is the admin's
    assert desk.ok("undo", ADMIN)["undone"] == 1
    assert event_count(engine) == 6
    history = desk.ok("history 10")["events"]
    assert [e["kind"] for e in history] == [
        "undo",
        "undo",
        "undo",
        "resume",
        "suspend",
        "s3-eligible",
    ]
    assert all(e["retracted"] for e in history[3:])


def test_an_unbound_channel_is_told_how_to_bind_it(desk: Desk) -> None:
    reply = desk.say("status", ADMIN, channel="CELSEWHERE")
    assert reply.exit_code == ExitCode.REFUSED and "setup nstor-2002" in said(reply)
    assert desk.service.handle("setup nstor-2002", desk.caller(ADMIN, "CELSEWHERE")).ok
    assert desk.say("status", READER, channel="CELSEWHERE").ok
    assert desk.say("setup nstor-2002", READER, channel="COTHER").exit_code == ExitCode.REFUSED


def test_terms_and_cutback_flag_the_drafting_defects(desk: Desk) -> None:
    terms = desk.say("terms")
    assert (
        "§2(a)(i)" in said(terms)
        and "no clause (D)" in said(terms)
        and "certified mail" in said(terms)
    )
    cut = desk.say("cutback 1000 company=600 investor=300:1000 bob=300:500")
    assert cut.data["by_owned"] == {"company": 600, "investor": 267, "bob": 133}
    assert cut.data["by_requested"] == {"company": 600, "investor": 200, "bob": 200}
    assert "§2(b)(iv)" in said(cut) and "Drafting defect" in said(cut)


def test_termination_ends_the_demand_right_and_flags_the_reading(desk: Desk) -> None:
    desk.today = date(2026, 3, 2)
    desk.ok("s3-eligible on 2026-01-05")
    reply = desk.ok("terminated transferred on 2026-03-01")
    assert any("earliest" in w for w in reply["warnings"])
    status = desk.ok("status")
    assert status["termination_date"] == "2026-03-01"
    assert status["demand"] == {"available": False, "state": "terminated"}


def test_remind_settings_are_admin_only(desk: Desk) -> None:
    assert desk.say("remind leads 10,5,0", EDITOR).exit_code == ExitCode.REFUSED
    assert desk.ok("remind leads 10,5,0")["leads"] == [10, 5, 0]
    assert desk.ok("remind at 08:30")["at"] == "08:30"


def test_each_event_keeps_who_when_and_where(desk: Desk) -> None:
    desk.ok("suspend", EDITOR)
    [event] = desk.ok("history")["events"]
    assert event["actor"] == EDITOR
    assert event["source"] == f"test:{CHANNEL}"
    assert event["recorded_at"].startswith("2026-01-05T17:00")


def test_a_backdated_event_that_unsettles_a_later_one_is_refused_naming_it(
    desk: Desk, engine: Engine
) -> None:
    desk.today = date(2026, 3, 10)
    desk.ok("filing-planned 2026-04-01")
    desk.today = date(2026, 3, 12)
    refused = desk.say("filed on 2026-03-05")
    assert refused.exit_code == ExitCode.REFUSED
    assert "#1" in said(refused) and "anticipated filing date" in said(refused)
    assert "Undo #1" in said(refused)
    assert event_count(engine) == 1


def test_a_kept_answer_never_outlives_the_history_on_any_instance(
    desk: Desk, engine: Engine
) -> None:
    from bot.wiring import build_service

    other = Desk(build_service(engine, frozenset({ADMIN})), desk.today)
    assert other.ok("status")["sales_suspended"] is False
    assert desk.ok("status")["sales_suspended"] is False
    desk.ok("suspend", EDITOR)  # written through the first instance
    assert other.ok("status")["sales_suspended"] is True
    desk.ok("undo", EDITOR)
    assert other.ok("status")["sales_suspended"] is False
    other.ok(f"grant <@{READER}> editor")
    desk.ok("filed", EDITOR)
    desk.ok("delay 10 reason ii", EDITOR)
    assert "material adverse" in said(other.say("status", READER))
    other.ok(f"revoke <@{READER}>")
    assert "material adverse" not in said(desk.say("status", READER))


def test_a_filing_after_a_stop_order_carries_the_demand(desk: Desk) -> None:
    desk.today = date(2026, 5, 12)
    for text in [
        "s3-eligible on 2026-01-02",
        "demand 1000 on 2026-02-02",
        "holders-notified on 2026-02-03",
        "filed on 2026-03-02",
        "stop-order on 2026-04-01",
        "filed on 2026-04-10",
        "effective on 2026-05-11",
    ]:
        desk.ok(text)
    assert desk.ok("status")["demand"] == {"available": False, "state": "effective"}
    assert desk.say("demand 500").data["section"] == "2(a)(i)"


def test_a_demand_takes_over_a_planned_filing(desk: Desk) -> None:
    desk.today = date(2026, 4, 2)
    desk.ok("s3-eligible on 2026-01-02")
    desk.ok("filing-planned 2026-05-01")
    desk.ok("demand 1000")
    kinds = {d["kind"]: d["due"] for d in desk.ok("deadlines")["deadlines"]}
    assert kinds == {"holder_notice": "2026-04-12", "requested_info": "2026-04-16"}
    desk.ok("requested-info-sent")


def test_a_stop_order_leaves_the_open_clocks_running(desk: Desk) -> None:
    desk.today = date(2026, 4, 2)
    for text in [
        "s3-eligible on 2026-01-02",
        "demand 10 on 2026-02-02",
        "filed on 2026-03-02",
        "stop-order on 2026-04-01",
    ]:
        desk.ok(text)
    kinds = [d["kind"] for d in desk.ok("deadlines")["deadlines"]]
    assert kinds == ["holder_notice", "effectiveness"]


def test_next_start_for_a_backdated_delay_is_for_the_new_delay(desk: Desk) -> None:
    desk.today = date(2026, 5, 1)
    desk.ok("filed on 2026-04-01")
    desk.ok("delay 30")
    desk.today = date(2026, 6, 1)
    refused = desk.say("delay check 10 from 2026-04-20")
    assert refused.data["next_start_allowed"] == "2027-05-01"
    assert desk.say("delay 10 from 2026-04-20").data["next_start_allowed"] == "2027-05-01"
    future = desk.say("delay 10 from 2026-07-01")
    assert future.data["next_start_allowed"] == "2027-05-01"


def test_no_effectiveness_warning_once_that_deadline_has_passed(desk: Desk) -> None:
    desk.today = date(2026, 9, 10)
    desk.ok("s3-eligible on 2026-01-02")
    desk.ok("demand 10 on 2026-02-02")
    desk.ok("filed on 2026-03-02")  # due 2026-08-29, already passed
    assert desk.ok("delay 10")["warnings"] == []
    assert not any("does not stop" in w for w in desk.ok("status")["warnings"])
