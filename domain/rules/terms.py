"""The terms profile: one agreement's numbers and section references, loaded from YAML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SECTION_PATTERN = r"^\d+(\([a-z]+\))*(\([A-Z]\))?(\([a-z]\))?$"


class ProfileError(ValueError):
    """A profile that cannot be used; `problems` names each bad field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"profile {source}: " + "; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Section = str


def _check_section(value: str) -> str:
    if not re.match(SECTION_PATTERN, value):
        raise ValueError(f"{value!r} is not a section reference like 2(a)(ii)")
    return value


class Clock(_Strict):
    """A window of calendar days with the section that sets it."""

    days: int = Field(ge=1, le=3650)
    section: Section

    _section = field_validator("section")(_check_section)


class Address(_Strict):
    """Where a party's notices go under the notices clause."""

    lines: list[str] = Field(min_length=1, max_length=8)
    attention: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("lines")
    @classmethod
    def _no_blank_lines(cls, value: list[str]) -> list[str]:
        if any(not line.strip() or len(line) > 200 for line in value):
            raise ValueError("each address line is 1 to 200 characters")
        return value


class NoticeAddresses(_Strict):
    company: Address
    investor: Address


class Notices(_Strict):
    section: Section
    mail_business_days: int = Field(ge=0, le=60)
    holiday_calendar: str = Field(min_length=2)
    # Optional so that agreements set up before notices were drafted still load.
    addresses: NoticeAddresses | None = None

    _section = field_validator("section")(_check_section)

    @field_validator("holiday_calendar")
    @classmethod
    def _known_calendar(cls, value: str) -> str:
        # The registry names every calendar without importing each country's module.
        from holidays.registry import EntityLoader

        if value not in EntityLoader.get_country_codes():
            raise ValueError(f"{value!r} is not a holiday calendar the holidays package knows")
        return value


class DemandTerms(_Strict):
    section: Section
    eligibility_section: Section
    demands_allowed: int = Field(ge=1, le=20)
    holder_notice: Clock
    holder_inclusion: Clock
    not_effected_section: Section
    effectiveness: Clock
    stop_order_section: Section
    withdrawal_section: Section

    _sections = field_validator(
        "section",
        "eligibility_section",
        "not_effected_section",
        "stop_order_section",
        "withdrawal_section",
    )(_check_section)


class TerminationTerms(_Strict):
    section: Section
    reading: Literal["earliest", "latest"]

    _section = field_validator("section")(_check_section)


class PiggybackTerms(_Strict):
    request: Clock
    primary_cutback_section: Section
    secondary_cutback_section: Section
    requested_basis_section: Section

    _sections = field_validator(
        "primary_cutback_section", "secondary_cutback_section", "requested_basis_section"
    )(_check_section)


class AllowedDelayTerms(_Strict):
    section: Section
    max_days: int = Field(ge=1, le=366)
    max_delays: int = Field(ge=1, le=12)
    period_months: int = Field(ge=1, le=60)
    reasons: dict[str, str] = Field(min_length=1)

    _section = field_validator("section")(_check_section)


class SalesSuspensionTerms(_Strict):
    section: Section
    misstatement_section: Section
    stop_order_section: Section
    delay_section: Section

    _sections = field_validator(
        "section", "misstatement_section", "stop_order_section", "delay_section"
    )(_check_section)


class AlertTerms(_Strict):
    lead_days: list[int] = Field(min_length=1, max_length=20)
    at: time

    @field_validator("lead_days")
    @classmethod
    def _sane_leads(cls, value: list[int]) -> list[int]:
        if any(lead < 0 or lead > 365 for lead in value):
            raise ValueError("each lead is a number of days from 0 to 365")
        return sorted(set(value), reverse=True)


class DraftingDefect(_Strict):
    section: Section
    applies_to: Literal["termination", "cutback", "demand", "notices", "delay", "piggyback"]
    note: str = Field(min_length=1)

    _section = field_validator("section")(_check_section)


class TermsProfile(_Strict):
    """Everything regrights knows about one registration rights agreement."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    title: str = Field(min_length=1)
    dated: date
    company: str = Field(min_length=1)
    investor: str = Field(min_length=1)
    timezone: str
    notices: Notices
    demand: DemandTerms
    termination: TerminationTerms
    piggyback: PiggybackTerms
    allowed_delay: AllowedDelayTerms
    requested_information: Clock
    sales_suspension: SalesSuspensionTerms
    alerts: AlertTerms
    drafting_defects: list[DraftingDefect] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA timezone") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def defects_about(self, topic: str) -> list[DraftingDefect]:
        return [d for d in self.drafting_defects if d.applies_to == topic]


def parse_profile(text: str, source: str = "<text>") -> TermsProfile:
    """Validate a YAML profile; every bad field is named in the ProfileError."""
    try:
        # libyaml's safe loader when PyYAML was built with it: the same documents, ten times
        # quicker, and every `cmd` reads the stored profile.
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ProfileError(source, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise ProfileError(source, ["a profile is a YAML mapping of fields"])
    try:
        return TermsProfile.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in err['loc']) or '(profile)'}: {err['msg']}"
            + ("" if err["type"] == "missing" else f" (got {err.get('input')!r})")
            for err in exc.errors()
        ]
        raise ProfileError(source, problems) from exc


def bundled_profile_ids() -> list[str]:
    folder = resources.files("domain.rules") / "profiles"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def profile_text(profile_id: str, directories: Sequence[Path] = ()) -> tuple[str, str]:
    """The YAML of a profile and where it came from: `<id>.yaml` in `directories`, else bundled."""
    for directory in directories:
        path = directory / f"{profile_id}.yaml"
        if path.is_file():
            return path.read_text("utf-8"), str(path)
    if profile_id in bundled_profile_ids():
        bundled = resources.files("domain.rules") / "profiles" / f"{profile_id}.yaml"
        return bundled.read_text("utf-8"), profile_id
    known = ", ".join(bundled_profile_ids())
    raise ProfileError(profile_id, [f"no such profile (bundled: {known})"])


def load_profile(profile_id: str, directories: Sequence[Path] = ()) -> TermsProfile:
    """A profile by id, from `directories` first, then the bundled ones (`nstor-2002`)."""
    text, source = profile_text(profile_id, directories)
    profile = parse_profile(text, source)
    if profile.id != profile_id:
        raise ProfileError(source, [f"id: the file is {profile_id}.yaml but says {profile.id!r}"])
    return profile
