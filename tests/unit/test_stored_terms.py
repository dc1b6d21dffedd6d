"""A stored profile is rebuilt without the validator, and must come out as the validator makes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.stored_terms import terms_from_stored
from domain.rules.terms import ProfileError, parse_profile

BUNDLED = Path(__file__).resolve().parents[2] / "domain" / "rules" / "profiles" / "nstor-2002.yaml"
RAW: dict[str, Any] = yaml.safe_load(BUNDLED.read_text())


def test_the_bundled_profile_is_rebuilt_as_validated() -> None:
    text = BUNDLED.read_text()
    assert terms_from_stored(text) == parse_profile(text)


@st.composite
def valid_variants(draw: st.DrawFn) -> str:
    raw = yaml.safe_load(BUNDLED.read_text())
    leads = draw(st.lists(st.integers(0, 365), min_size=1, max_size=20))
    raw["alerts"] = {"lead_days": leads, "at": draw(st.times()).strftime("%H:%M")}
    if draw(st.booleans()):
        del raw["notices"]["addresses"]
    elif draw(st.booleans()):
        del raw["notices"]["addresses"]["company"]["attention"]
    if draw(st.booleans()):
        del raw["drafting_defects"]
    if draw(st.booleans()):
        raw["dated"] = str(raw["dated"])  # quoted: a string the validator turns into a date
    raw["allowed_delay"]["max_days"] = draw(st.integers(1, 366))
    raw["termination"]["reading"] = draw(st.sampled_from(["earliest", "latest"]))
    return yaml.safe_dump(raw)


@settings(max_examples=60, deadline=None)
@given(valid_variants())
def test_any_valid_profile_is_rebuilt_as_validated(text: str) -> None:
    rebuilt = terms_from_stored(text)
    assert rebuilt == parse_profile(text)
    assert rebuilt.alerts.lead_days == sorted(set(rebuilt.alerts.lead_days), reverse=True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda raw: raw.pop("requested_information"), "requested_information"),
        (lambda raw: raw["alerts"].update(surprise=1), "alerts.surprise"),
        (lambda raw: raw["demand"].pop("holder_notice"), "demand.holder_notice"),
    ],
)
def test_a_stored_profile_that_does_not_fit_is_named_by_the_validator(
    change: Any, field: str
) -> None:
    raw = yaml.safe_load(BUNDLED.read_text())
    change(raw)
    with pytest.raises(ProfileError) as error:
        terms_from_stored(yaml.safe_dump(raw))
    assert error.value.source == "stored profile"
    assert any(problem.startswith(field) for problem in error.value.problems)
