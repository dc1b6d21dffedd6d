"""The one command grammar: what it accepts, and that nothing typed makes it crash."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.rules.calendar import Delivery
from domain.rules.events import EventKind, TerminationGround
from domain.services.commands import COMMANDS, parse_command
from domain.services.grammar import (
    CutbackRequest,
    DelayCheck,
    Grant,
    Help,
    History,
    Query,
    RecordEvent,
    RemindAt,
    RemindLeads,
    Setup,
    Undo,
    UsageError,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("delay 30", RecordEvent(EventKind.DELAY, days=30)),
        (
            "delay 30 from 2026-01-02 reason ii",
            RecordEvent(EventKind.DELAY, on=date(2026, 1, 2), days=30, reason="ii"),
        ),
        ("delay extend 10", RecordEvent(EventKind.DELAY_EXTEND, days=10)),
        ("delay end on 2026-02-01", RecordEvent(EventKind.DELAY_END, on=date(2026, 2, 1))),
        ("delay check 45 from 2027-01-01", DelayCheck(45, date(2027, 1, 1))),
        (
            "demand 1,000 on 2026-01-01 by mail",
            RecordEvent(EventKind.DEMAND, on=date(2026, 1, 1), delivery=Delivery.MAIL, shares=1000),
        ),
        ("DEMAND 5 by MAIL", RecordEvent(EventKind.DEMAND, delivery=Delivery.MAIL, shares=5)),
        (
            "holders-notified by mail",
            RecordEvent(EventKind.HOLDERS_NOTIFIED, delivery=Delivery.MAIL),
        ),
        (
            "filing-planned 2027-01-15",
            RecordEvent(EventKind.FILING_PLANNED, planned_filing=date(2027, 1, 15)),
        ),
        ("stop-order on 2026-03-01", RecordEvent(EventKind.STOP_ORDER, on=date(2026, 3, 1))),
        ("piggyback-requested 500", RecordEvent(EventKind.PIGGYBACK_REQUESTED, shares=500)),
        (
            "terminated rule144 on 2026-01-01",
            RecordEvent(
                EventKind.TERMINATED, on=date(2026, 1, 1), ground=TerminationGround.RULE_144
            ),
        ),
        ("undo", Undo()),
        ("status", Query("status")),
        ("history", History(10)),
        ("history 3", History(3)),
        ("help delay", Help("delay")),
        ("", Help()),
        ("cutback 900 co=500 a=300:1000", CutbackRequest(900, ("co", 500), [("a", 300, 1000)])),
        ("setup nstor-2002", Setup("nstor-2002")),
        ("grant <@U12AB|bob> editor", Grant("U12AB", "editor")),
        ("remind leads 7,14,0", RemindLeads([14, 7, 0])),
        ("remind at 8:30", RemindAt(time(8, 30))),
    ],
)
def test_commands_parse(text: str, expected: object) -> None:
    assert parse_command(text).command == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("frobnicate", "not a regrights command"),
        ("delay 0", "at least 1"),
        ("delay -5", "positive number of days"),
        ("delay abc", "whole number"),
        ("delay", "missing the number of days"),
        ("demand 10 on 2026-02-30", "not a calendar date"),
        ("demand 10 on 26-01-01", "not a date"),
        ("demand 10 by fax", "by hand"),
        ("filed on", "needs a value"),
        ("filed on 2026-01-01 on 2026-01-02", "given twice"),
        ("status now", "unexpected"),
        ("terminated bored", "not a ground"),
        ("grant bob owner", "not a role"),
        ("remind at 25:00", "not a time"),
        ("cutback 10 co", "not of the form"),
        ("cutback 10 co=1 a=1:1 a=2:2", "named twice"),
        ("help frob", "no command"),
        ("x" * 10_000, "10,000 characters"),
    ],
)
def test_bad_input_says_what_was_wrong_with_the_usage(text: str, complaint: str) -> None:
    with pytest.raises(UsageError) as error:
        parse_command(text)
    assert complaint in error.value.message
    assert error.value.usage


def test_every_command_has_usage_and_help() -> None:
    for spec in COMMANDS:
        assert parse_command(f"help {spec.name}").command == Help(spec.name)
        assert spec.usage.startswith(spec.name.split()[0]) and spec.does and spec.example


words = st.sampled_from(
    [
        *(spec.name for spec in COMMANDS),
        "on",
        "from",
        "by",
        "mail",
        "hand",
        "reason",
        "extend",
        "end",
        "check",
        "2026-01-01",
        "30",
        "-1",
        "0",
        "a=1:2",
        "<@U1>",
        "editor",
    ]
)


@given(st.lists(words, max_size=8))
def test_any_sequence_of_known_words_parses_or_is_refused_cleanly(tokens: list[str]) -> None:
    try:
        parse_command(" ".join(tokens))
    except UsageError as error:
        assert error.message


@given(st.text(max_size=1200))
def test_any_text_parses_or_is_refused_cleanly(text: str) -> None:
    try:
        parse_command(text)
    except UsageError as error:
        assert error.message
