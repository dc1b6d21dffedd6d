"""Terms profiles: the bundled nstor-2002 holds the agreement's numbers; bad fields are named."""

from __future__ import annotations

import tracemalloc
from datetime import time
from pathlib import Path
from time import perf_counter

import pytest
import yaml

from domain.rules.terms import ProfileError, load_profile, parse_profile

BUNDLED = Path(__file__).resolve().parents[2] / "domain" / "rules" / "profiles" / "nstor-2002.yaml"


def test_the_bundled_profile_holds_the_agreements_numbers() -> None:
    p = load_profile("nstor-2002")
    assert (p.demand.holder_notice.days, p.demand.holder_notice.section) == (10, "2(a)")
    assert p.demand.holder_inclusion.days == 15
    assert p.piggyback.request.days == 20
    assert (
        p.allowed_delay.max_days,
        p.allowed_delay.max_delays,
        p.allowed_delay.period_months,
    ) == (90, 1, 12)
    assert (p.demand.effectiveness.days, p.demand.effectiveness.section) == (180, "2(a)(ii)(F)")
    assert p.requested_information.days == 15
    assert p.notices.mail_business_days == 4
    assert p.demand.demands_allowed == 1
    assert p.notices.holiday_calendar == "US"
    assert p.timezone == "America/New_York"
    assert p.termination.reading == "earliest"
    assert p.alerts.lead_days == [14, 7, 3, 1, 0]
    assert p.alerts.at == time(9, 0)
    assert {d.section for d in p.drafting_defects} == {"2(a)(i)", "2(b)(ii)", "2(a)(ii)", "9(b)"}


def _broken(**changes: object) -> str:
    raw = yaml.safe_load(BUNDLED.read_text())
    for path, value in changes.items():
        node = raw
        *parents, leaf = path.split("__")
        for part in parents:
            node = node[part]
        if value is None:
            del node[leaf]
        else:
            node[leaf] = value
    return yaml.safe_dump(raw)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"allowed_delay__max_days": -3}, "allowed_delay.max_days"),
        ({"demand__holder_notice__days": "ten"}, "demand.holder_notice.days"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"notices__holiday_calendar": "XX"}, "notices.holiday_calendar"),
        ({"termination__reading": "middle"}, "termination.reading"),
        ({"demand__effectiveness__section": "two-a"}, "demand.effectiveness.section"),
        ({"requested_information": None}, "requested_information"),
        ({"alerts__surprise": 1}, "alerts.surprise"),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError) as error:
        parse_profile(_broken(**changes), "test.yaml")
    assert any(problem.startswith(field) for problem in error.value.problems), error.value.problems


def test_two_bad_fields_give_two_problems() -> None:
    with pytest.raises(ProfileError) as error:
        parse_profile(_broken(allowed_delay__max_days=0, piggyback__request__days=0))
    assert len(error.value.problems) == 2


def test_not_a_mapping_and_not_yaml() -> None:
    with pytest.raises(ProfileError, match="mapping"):
        parse_profile("- a list")
    with pytest.raises(ProfileError, match="YAML"):
        parse_profile("a: [unclosed")


def test_another_agreement_is_a_new_profile_not_new_code(tmp_path: Path) -> None:
    (tmp_path / "acme-2024.yaml").write_text(
        _broken(id="acme-2024", piggyback__request__days=45, allowed_delay__max_days=60)
    )
    profile = load_profile("acme-2024", [tmp_path])
    assert (profile.id, profile.piggyback.request.days, profile.allowed_delay.max_days) == (
        "acme-2024",
        45,
        60,
    )


def test_a_profile_file_must_carry_its_own_id(tmp_path: Path) -> None:
    (tmp_path / "acme-2024.yaml").write_text(_broken(id="other"))
    with pytest.raises(ProfileError, match="says 'other'"):
        load_profile("acme-2024", [tmp_path])


def test_unknown_profile_lists_the_bundled_ones() -> None:
    with pytest.raises(ProfileError, match="nstor-2002"):
        load_profile("nope")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"demand__effectiveness__days": True}, "demand.effectiveness.days"),
        ({"demand__effectiveness__days": "180"}, "demand.effectiveness.days"),
        ({"allowed_delay__max_delays": 1.0}, "allowed_delay.max_delays"),
        ({"alerts__lead_days": [14, "7"]}, "alerts.lead_days.1"),
    ],
)
def test_numbers_are_numbers_not_booleans_or_text(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError) as error:
        parse_profile(_broken(**changes), "test.yaml")
    assert any(problem.startswith(field) for problem in error.value.problems), error.value.problems


def test_a_yaml_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    (tmp_path / "acme-2024.yaml").write_text("id: acme-2024\ntitle: [unclosed\n")
    with pytest.raises(ProfileError) as error:
        load_profile("acme-2024", [tmp_path])
    message = str(error.value)
    assert message.startswith(f"profile {tmp_path / 'acme-2024.yaml'}: not valid YAML: line ")
    assert "<unicode string>" not in message


def test_a_file_not_in_utf8_is_named_and_the_bundled_one_does_not_stand_in(
    tmp_path: Path,
) -> None:
    (tmp_path / "nstor-2002.yaml").write_bytes(BUNDLED.read_bytes().replace(b"nStor", b"n\xe9Stor"))
    with pytest.raises(ProfileError) as error:
        load_profile("nstor-2002", [tmp_path])
    assert error.value.source == str(tmp_path / "nstor-2002.yaml")
    assert "not UTF-8" in str(error.value)
    assert "the bundled nstor-2002 is not used in its place" in str(error.value)


def test_a_broken_override_of_the_bundled_profile_says_the_bundled_one_is_not_used(
    tmp_path: Path,
) -> None:
    (tmp_path / "nstor-2002.yaml").write_text(_broken(demand__effectiveness__days="180"))
    with pytest.raises(ProfileError) as error:
        load_profile("nstor-2002", [tmp_path])
    assert str(tmp_path / "nstor-2002.yaml") in str(error.value)
    assert error.value.problems[-1] == "the bundled nstor-2002 is not used in its place"


def test_an_alias_bomb_is_refused_quickly_and_briefly() -> None:
    # Nine levels of nine aliases each: 9**9 (387 million) strings once expanded.
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)
    )
    began = perf_counter()
    tracemalloc.start()
    with pytest.raises(ProfileError) as error:
        parse_profile(bomb, "bomb.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert perf_counter() - began < 1.0
    assert peak < 5 << 20
    assert "aliases expand to more than" in str(error.value)
    assert len(str(error.value)) < 200


def test_an_oversized_profile_is_refused() -> None:
    with pytest.raises(ProfileError, match="larger than 64 KiB"):
        parse_profile("title: " + "x" * (70 << 10))


def test_unknown_profile_lists_those_in_the_profiles_folder_too(tmp_path: Path) -> None:
    (tmp_path / "acme-2024.yaml").write_text(_broken(id="acme-2024"))
    with pytest.raises(ProfileError, match=r"known: acme-2024, nstor-2002"):
        load_profile("nope", [tmp_path])
