"""The record form read back: the same command the grammar gives for the same words, and no
state Slack could send makes it fail other than by naming a field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.form_parts import FormError
from bot.slack.record_form import EVENTS, read_submission
from domain.services.commands import parse_command
from domain.services.grammar import RecordEvent


def _view(values: dict[str, Any], channel: str | None = "C1") -> dict[str, Any]:
    return {
        "private_metadata": json.dumps({"channel": channel} if channel else {}),
        "state": {"values": {block: {block: state} for block, state in values.items()}},
    }


def _select(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


FORMS = [
    ({"event": _select("s3-eligible")}, "s3-eligible"),
    (
        {"event": _select("s3-eligible"), "date": {"selected_date": "2024-01-02"}},
        "s3-eligible on 2024-01-02",
    ),
    (
        {
            "event": _select("demand"),
            "shares": {"value": "100000"},
            "date": {"selected_date": "2024-05-01"},
            "delivery": _select("mail"),
        },
        "demand 100000 on 2024-05-01 by mail",
    ),
    (
        {"event": _select("demand"), "shares": {"value": "5"}, "delivery": _select("hand")},
        "demand 5",
    ),
    (
        {"event": _select("holders-notified"), "delivery": _select("mail")},
        "holders-notified by mail",
    ),
    (
        {"event": _select("filing-planned"), "date": {"selected_date": "2024-09-01"}},
        "filing-planned 2024-09-01",
    ),
    (
        {
            "event": _select("delay"),
            "days": {"value": "30"},
            "date": {"selected_date": "2024-06-01"},
            "reason": _select("iii"),
        },
        "delay 30 from 2024-06-01 reason iii",
    ),
    ({"event": _select("delay extend"), "days": {"value": "5"}}, "delay extend 5"),
    (
        {"event": _select("delay end"), "date": {"selected_date": "2024-06-10"}},
        "delay end on 2024-06-10",
    ),
    ({"event": _select("piggyback-requested"), "shares": {"value": "7"}}, "piggyback-requested 7"),
    ({"event": _select("terminated"), "ground": _select("rule144")}, "terminated rule144"),
    ({"event": _select("withdrawn")}, "withdrawn"),
    *(
        ({"event": _select(verb), "date": {"selected_date": "2024-07-01"}}, f"{verb} on 2024-07-01")
        for verb in ("requested-info-sent", "filed", "effective", "stop-order", "suspend", "resume")
    ),
    ({"event": _select("piggyback-notice"), "delivery": _select("hand")}, "piggyback-notice"),
]


@pytest.mark.parametrize(("values", "typed"), FORMS, ids=[t for _, t in FORMS])
def test_the_form_gives_the_typed_command(values: dict[str, Any], typed: str) -> None:
    submission = read_submission(_view(values))
    assert submission.channel == "C1"
    assert submission.parsed == parse_command(typed)


def test_every_event_of_the_form_is_read_back_above() -> None:
    assert {values["event"]["selected_option"]["value"] for values, _ in FORMS} == set(EVENTS)


def test_the_chosen_agreement_when_the_channel_is_not_fixed() -> None:
    picked = {"type": "conversations_select", "selected_conversation": "C9"}
    view = _view({"agreement": picked, "event": _select("filed")}, channel=None)
    assert read_submission(view).channel == "C9"
    with pytest.raises(FormError) as missing:
        read_submission(_view({"event": _select("filed")}, channel=None))
    assert missing.value.block_id == "agreement"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
element_states = st.fixed_dictionaries(
    {},
    optional={
        "selected_option": st.none()
        | st.fixed_dictionaries(
            {"value": st.sampled_from([*EVENTS, "mail", "i", "x", ""]) | json_values}
        ),
        "selected_date": st.none()
        | st.sampled_from(["2024-02-30", "2024-05-01", "x"])
        | json_values,
        "value": st.none()
        | st.sampled_from(["0", "-3", "12", "1e3", "99999999999999"])
        | json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["event", "date", "delivery", "shares", "days", "ground", "reason", "agreement"]
        ),
        element_states | json_values,
    ),
    st.text(max_size=20) | st.just('{"channel": "C1"}'),
)
def test_any_state_gives_a_command_or_names_a_field(values: dict[str, Any], metadata: str) -> None:
    view = {
        "private_metadata": metadata,
        "state": {"values": {b: {b: v} for b, v in values.items()}},
    }
    try:
        submission = read_submission(view)
    except FormError as error:
        assert error.block_id in {
            "event",
            "date",
            "delivery",
            "shares",
            "days",
            "ground",
            "reason",
            "agreement",
        }
        assert error.message
    else:
        assert isinstance(submission.command, RecordEvent)
