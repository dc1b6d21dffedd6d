"""`profile draft` on agreements written for these tests, each with what it should yield
written by hand beside it (`<name>.expected.yaml`), and on the nStor agreement, which must
give the bundled profile's every number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.drafting.draft import CLOCK_KEYS, Draft, draft_profile
from domain.drafting.sections import normalize
from domain.rules.terms import PLACEHOLDER, load_profile

AGREEMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "agreements"
NAMES = sorted(p.stem for p in AGREEMENTS.glob("*.txt"))
# SPEC §15's keys, and the other ways of saying when mail takes effect, which stand for the
# first: after calendar days, or on receipt.
MAIL_KEYS = ("notices.mail_business_days", "notices.mail_days", "notices.mail_effective")
SCORED = (*CLOCK_KEYS, *MAIL_KEYS[1:])


def expected(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((AGREEMENTS / f"{name}.expected.yaml").read_text())
    return loaded


def drafted(name: str) -> tuple[str, Draft]:
    text = (AGREEMENTS / f"{name}.txt").read_text()
    return text, draft_profile(text)


def value_at(profile: dict[str, Any], key: str) -> Any:
    node: Any = profile
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def score(name: str) -> dict[str, list[str]]:
    """Each scored key of the agreement as found (right value), missed (expected, not found)
    or wrong (a value other than the one expected, or one where none was expected)."""
    want = expected(name)
    _, draft = drafted(name)
    result: dict[str, list[str]] = {"found": [], "missed": [], "wrong": [], "rightly_missing": []}
    for key in SCORED:
        got = value_at(draft.profile, key)
        got = None if got == PLACEHOLDER else got
        if key in want["found"]:
            if got is None:
                result["missed"].append(key)
            elif got != want["found"][key] or not _same_unit(draft, want, key):
                result["wrong"].append(key)
            else:
                result["found"].append(key)
        elif got is not None:
            result["wrong"].append(key)
        elif key in want["missing"]:
            result["rightly_missing"].append(key)
    return result


def _same_unit(draft: Draft, want: dict[str, Any], key: str) -> bool:
    if not key.endswith(".days") or key.startswith("notices."):
        return True
    flag = key.removesuffix(".days") + ".business_days"
    return bool(value_at(draft.profile, flag)) == bool(want["found"].get(flag, False))


def test_every_agreement_has_its_expected_yield_written_out() -> None:
    assert len(NAMES) >= 19
    for name in NAMES:
        want = expected(name)
        # Written out in full: every scored key is expected found or expected missing.
        covered = set(want["found"]) | set(want["missing"])
        assert set(CLOCK_KEYS) - {"notices.mail_business_days"} <= covered, name
        assert set(MAIL_KEYS) & covered, name


@pytest.mark.parametrize("name", NAMES)
def test_no_value_is_wrong_and_none_is_missed(name: str) -> None:
    result = score(name)
    assert result["wrong"] == []
    assert result["missed"] == []


@pytest.mark.parametrize("name", NAMES)
def test_what_is_not_found_is_listed_missing_with_a_placeholder(name: str) -> None:
    want = expected(name)
    _, draft = drafted(name)
    for key in want["missing"]:
        assert key in draft.missing
        assert value_at(draft.profile, key) in (PLACEHOLDER, None)
    for key in want["found"]:
        if not key.endswith(".business_days"):
            assert key not in draft.missing


@pytest.mark.parametrize("name", NAMES)
def test_every_value_found_is_cited_by_section_and_verbatim_sentence(name: str) -> None:
    text, draft = drafted(name)
    words = normalize(text)
    want = expected(name)
    for key in want["found"]:
        if key.endswith(".business_days"):
            continue
        citation = draft.citations[key]
        assert citation["quote"].strip(".") in words
        if key in want["sections"]:
            assert citation["section"] == str(want["sections"][key])
    for key, citation in draft.citations.items():
        assert citation["quote"].strip(".") in words, key


def test_nstor_yields_the_bundled_profiles_every_number_with_its_section() -> None:
    _, draft = drafted("nstor-2002")
    bundled = load_profile("nstor-2002")
    for key in CLOCK_KEYS:
        assert value_at(draft.profile, key) == bundled.value_at(key), key
        assert draft.citations[key]["quote"]
    for clock in (
        "demand.holder_notice",
        "demand.holder_inclusion",
        "demand.effectiveness",
        "piggyback.request",
        "requested_information",
    ):
        assert value_at(draft.profile, f"{clock}.section") == bundled.value_at(clock).section
    for key in (
        "notices.section",
        "notices.addresses",
        "demand.eligibility_section",
        "demand.not_effected_section",
        "demand.stop_order_section",
        "demand.withdrawal_section",
        "allowed_delay.section",
        "piggyback.primary_cutback_section",
        "piggyback.secondary_cutback_section",
        "piggyback.requested_basis_section",
        "sales_suspension",
    ):
        want = bundled.value_at(key)
        got = value_at(draft.profile, key)
        if key == "notices.addresses":
            assert got["company"]["lines"] == want.company.lines
            assert got["investor"]["attention"] == want.investor.attention
        elif key == "sales_suspension":
            assert got == {
                "section": want.section,
                "misstatement_section": want.misstatement_section,
                "stop_order_section": want.stop_order_section,
                "delay_section": want.delay_section,
            }
        else:
            assert got == want, key


def test_nstor_termination_reading_is_left_to_counsel() -> None:
    # §2(a)(i) says "earliest to occur" and then "the latest of which to occur": no guess.
    _, draft = drafted("nstor-2002")
    assert draft.missing == ["termination.reading"]


def test_the_bundled_profile_cites_the_agreement_verbatim() -> None:
    words = normalize((AGREEMENTS / "nstor-2002.txt").read_text())
    bundled = load_profile("nstor-2002")
    assert {key for key, _ in bundled.citations.items()} >= set(CLOCK_KEYS)
    for citation in bundled.citations.values():
        assert citation.quote.strip(".") in words


def test_a_distracting_number_is_not_taken_for_a_clock() -> None:
    # A lock-up, an expense deadline and a piggyback notice period, and nothing else.
    text = (
        "REGISTRATION RIGHTS AGREEMENT\n\n"
        "1. Piggyback. If the Company proposes to register its stock for its own account, it "
        "shall notify the Investor at least thirty (30) days before the filing date.\n\n"
        "2. Lock-Up. The Investor shall not sell during the one hundred eighty (180) days after "
        "the effective date.\n\n"
        "3. Expenses. The Company shall reimburse expenses within thirty (30) days after "
        "receipt of an invoice.\n"
    )
    draft = draft_profile(text)
    for key in CLOCK_KEYS:
        assert value_at(draft.profile, key) in (PLACEHOLDER, None), key


def test_conflicting_values_for_one_clock_are_no_value() -> None:
    text = (
        "REGISTRATION RIGHTS AGREEMENT\n\n"
        "1. Piggyback. If the Company proposes to register its stock for its own account, the "
        "Investor may request inclusion within ten (10) days after receipt of the Company's "
        "notice.\n\n"
        "2. Piggyback Again. If the Company proposes to register its stock, the Investor may "
        "request inclusion within twenty (20) days after receipt of the Company's notice.\n"
    )
    draft = draft_profile(text)
    assert "piggyback.request.days" in draft.missing


@pytest.mark.parametrize("name", NAMES)
def test_notice_addresses_are_both_parties_or_none(name: str) -> None:
    # Where the notices clause gives each party's address, both are drafted; where it gives
    # one (the holders' are on a schedule) or none, none is, rather than half.
    _, draft = drafted(name)
    assert value_at(draft.profile, "notices.addresses") == expected(name).get("addresses")
