"""The terms profile: one agreement's numbers and section references, loaded from YAML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator

SECTION_PATTERN = r"^\d+(\([a-z]+\))*(\([A-Z]\))?(\([a-z]\))?$"
# A profile is a page of YAML. These bound what a file, and the aliases in it, may amount to.
MAX_PROFILE_BYTES = 64 << 10
MAX_PROFILE_NODES = 5_000

# A number of days or a count: `days: true` or `days: "180"` is a mistake, not 1 or 180.
Count = Annotated[int, Strict()]


class ProfileError(ValueError):
    """A profile that cannot be used; `problems` names each bad field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(source, problems)

    def __str__(self) -> str:
        return f"profile {self.source}: " + "; ".join(self.problems)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Section = str


def _check_section(value: str) -> str:
    if not re.match(SECTION_PATTERN, value):
        raise ValueError(f"{value!r} is not a section reference like 2(a)(ii)")
    return value


class Clock(_Strict):
    """A window of calendar days with the section that sets it."""

    days: Count = Field(ge=1, le=3650)
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
    mail_business_days: Count = Field(ge=0, le=60)
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
    demands_allowed: Count = Field(ge=1, le=20)
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
    max_days: Count = Field(ge=1, le=366)
    max_delays: Count = Field(ge=1, le=12)
    period_months: Count = Field(ge=1, le=60)
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
    lead_days: list[Count] = Field(min_length=1, max_length=20)
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
    """Validate a YAML profile; every bad field is named in the ProfileError, with `source`."""
    if len(text) > MAX_PROFILE_BYTES:
        raise ProfileError(source, [f"larger than {MAX_PROFILE_BYTES >> 10} KiB"])
    try:
        # libyaml's safe loader when PyYAML was built with it: the same documents, ten times
        # quicker, and every `cmd` reads the stored profile.
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ProfileError(source, [f"not valid YAML: {_yaml_problem(exc)}"]) from exc
    if not isinstance(raw, dict):
        raise ProfileError(source, ["a profile is a YAML mapping of fields"])
    if _expands_beyond(raw, MAX_PROFILE_NODES):
        raise ProfileError(
            source, [f"its aliases expand to more than {MAX_PROFILE_NODES:,} values"]
        )
    try:
        return TermsProfile.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in err['loc']) or '(profile)'}: {err['msg']}"
            + ("" if err["type"] == "missing" else f" (got {_short(err.get('input'))})")
            for err in exc.errors()
        ]
        raise ProfileError(source, problems) from exc


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's message without the `<unicode string>` it names as the file."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"line {mark.line + 1}, column {mark.column + 1}: {exc.problem}"
    return str(exc)


def _expands_beyond(value: Any, limit: int) -> bool:
    """Whether `value`, each alias counted wherever it is used, holds more than `limit`
    values. Stops counting at `limit`, so a billion-laughs file costs little to refuse."""
    count = 0
    pending = [value]
    while pending:
        item = pending.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def bundled_profile_ids() -> list[str]:
    folder = resources.files("domain.rules") / "profiles"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def profile_ids(directories: Sequence[Path] = ()) -> list[str]:
    """Every profile `setup` can find: those in `directories` and the bundled ones."""
    found = {p.stem for d in directories if d.is_dir() for p in d.glob("*.yaml")}
    return sorted(found | set(bundled_profile_ids()))


def profile_text(profile_id: str, directories: Sequence[Path] = ()) -> tuple[str, str]:
    """The YAML of a profile and where it came from: `<id>.yaml` in `directories`, else bundled.
    A file there that cannot be read is an error; the bundled profile never stands in for it."""
    for directory in directories:
        path = directory / f"{profile_id}.yaml"
        if path.is_file():
            return _read(path, profile_id), str(path)
    if profile_id in bundled_profile_ids():
        bundled = resources.files("domain.rules") / "profiles" / f"{profile_id}.yaml"
        return bundled.read_text("utf-8"), profile_id
    known = ", ".join(profile_ids(directories))
    raise ProfileError(profile_id, [f"no such profile (known: {known})"])


def _read(path: Path, profile_id: str) -> str:
    instead = (
        f"; the bundled {profile_id} is not used in its place"
        if profile_id in bundled_profile_ids()
        else ""
    )
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise ProfileError(str(path), [f"larger than {MAX_PROFILE_BYTES >> 10} KiB{instead}"])
        return path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(
            str(path),
            [f"not UTF-8 text (byte {exc.start} is 0x{exc.object[exc.start]:02x}){instead}"],
        ) from exc
    except OSError as exc:
        raise ProfileError(str(path), [f"cannot be read ({exc.strerror}){instead}"]) from exc


def load_profile(profile_id: str, directories: Sequence[Path] = ()) -> TermsProfile:
    """A profile by id, from `directories` first, then the bundled ones (`nstor-2002`)."""
    return read_profile(profile_id, directories)[1]


def read_profile(profile_id: str, directories: Sequence[Path] = ()) -> tuple[str, TermsProfile]:
    """A profile's YAML (an agreement's snapshot) and the profile it validates to."""
    text, source = profile_text(profile_id, directories)
    try:
        profile = parse_profile(text, source)
    except ProfileError as exc:
        if source != profile_id and profile_id in bundled_profile_ids():
            exc.problems.append(f"the bundled {profile_id} is not used in its place")
        raise
    if profile.id != profile_id:
        raise ProfileError(source, [f"id: the file is {profile_id}.yaml but says {profile.id!r}"])
    return text, profile
