"""The terms profile: one agreement's numbers and section references, loaded from YAML.

The profile is plain frozen dataclasses, so that reading an agreement loads no validation
library. The limits in the annotations are enforced when a profile file is validated
(`profile_validation.py`, when an agreement is set up from it); an agreement's stored
profile, validated then, is rebuilt without them (`stored_terms.py`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from annotated_types import Ge, Le, MaxLen, MinLen

from domain.rules.field_checks import Check, WholeNumber

# `2(a)(ii)(F)`, and the decimal style `2.1(b)` of agreements numbered that way.
SECTION_PATTERN = re.compile(r"^\d+(\.\d+)*(\([a-z]+\))*(\([A-Z]\))?(\([a-z]\))?$")
CITED_KEY_PATTERN = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")
# What `profile draft` writes where the agreement did not say; `profile check` refuses it.
PLACEHOLDER = "FILL IN"
PROFILE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# A profile is a page of YAML. These bound what a file, and the aliases in it, may amount to.
MAX_PROFILE_BYTES = 64 << 10
MAX_PROFILE_NODES = 5_000


# The values a profile cites, in the order `terms` and `profile check` show them (SPEC §15).
CITED_VALUES: tuple[tuple[str, str], ...] = (
    ("dated", "dated as of"),
    ("company", "the Company"),
    ("investor", "the Investor"),
    ("demand.demands_allowed", "demand registrations in all"),
    ("demand.holder_notice.days", "days for the Company to notify the other holders of a demand"),
    ("demand.holder_inclusion.days", "days for the other holders to ask to be included"),
    ("demand.effectiveness.days", "days after filing to become effective, or not deemed effected"),
    ("piggyback.request.days", "days for the Investor's piggyback request"),
    ("allowed_delay.max_days", "Allowed Delay days at most in any period"),
    ("allowed_delay.max_delays", "Allowed Delays at most beginning in any period"),
    ("allowed_delay.period_months", "months in that period"),
    (
        "requested_information.days",
        "days before the first anticipated filing, Requested Information",
    ),
    ("notices.mail_business_days", "business days after deposit, a mailed notice takes effect"),
)
# The other ways a profile says when a mailed notice takes effect, each shown in its place.
_MAIL_VALUES = {
    "notices.mail_business_days": CITED_VALUES[-1][1],
    "notices.mail_days": "days after deposit, a mailed notice takes effect",
    "notices.mail_effective": "when a mailed notice takes effect",
}


class ProfileError(ValueError):
    """A profile that cannot be used; `problems` names each bad field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(source, problems)

    def __str__(self) -> str:
        return f"profile {self.source}: " + "; ".join(self.problems)


def _section_reference(value: str) -> str:
    if not SECTION_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a section reference like 2(a)(ii)")
    return value


def _profile_id(value: str) -> str:
    if not PROFILE_ID_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a profile id (lowercase letters, digits and hyphens)")
    return value


def _address_lines(value: list[str]) -> list[str]:
    if any(not line.strip() or len(line) > 200 for line in value):
        raise ValueError("each address line is 1 to 200 characters")
    return value


def _known_calendar(value: str) -> str:
    # The registry names every calendar without importing each country's module.
    from holidays.registry import EntityLoader

    if value not in EntityLoader.get_country_codes():
        raise ValueError(f"{value!r} is not a holiday calendar the holidays package knows")
    return value


def _known_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{value!r} is not an IANA timezone") from exc
    return value


def _cited_section(value: str) -> str:
    return value if value == "preamble" else _section_reference(value)


def _cited_keys(value: dict[str, Citation]) -> dict[str, Citation]:
    bad = [key for key in value if not CITED_KEY_PATTERN.match(key)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a dotted key like demand.holder_notice.days")
    return value


def _leads_in_range(value: list[int]) -> list[int]:
    if any(lead < 0 or lead > 365 for lead in value):
        raise ValueError("each lead is a number of days from 0 to 365")
    return value


Section = Annotated[str, Check(_section_reference)]
Text = Annotated[str, MinLen(1)]


@dataclass(frozen=True)
class Clock:
    """A window of days with the section that sets it, in calendar days or, with
    `business_days: true`, in business days on the profile's holiday calendar."""

    days: Annotated[int, WholeNumber(), Ge(1), Le(3650)]
    section: Section
    business_days: bool = False

    @property
    def span(self) -> str:
        """The window in words: `10 days`, `5 business days`."""
        unit = "business day" if self.business_days else "day"
        return f"{self.days} {unit}{'' if self.days == 1 else 's'}"


@dataclass(frozen=True)
class Citation:
    """Where a value of the profile comes from: the section and its sentence, quoted."""

    section: Annotated[str, Check(_cited_section)]  # or `preamble`, before section 1
    quote: Annotated[str, MinLen(1), MaxLen(4000)]


@dataclass(frozen=True)
class Address:
    """Where a party's notices go under the notices clause."""

    lines: Annotated[list[str], MinLen(1), MaxLen(8), Check(_address_lines)]
    attention: Annotated[str, MinLen(1), MaxLen(200)] | None = None


@dataclass(frozen=True)
class NoticeAddresses:
    company: Address
    investor: Address


MAIL_RULES = ("mail_business_days", "mail_days", "mail_effective")


@dataclass(frozen=True)
class Notices:
    """The notices clause. A mailed notice takes effect in one of three ways, and a profile
    says which: `mail_business_days: N` (N business days after deposit), `mail_days: N` (N
    calendar days after deposit), or `mail_effective: on_receipt`."""

    section: Section
    holiday_calendar: Annotated[str, MinLen(2), Check(_known_calendar)]
    mail_business_days: Annotated[int, WholeNumber(), Ge(0), Le(60)] | None = None
    mail_days: Annotated[int, WholeNumber(), Ge(0), Le(60)] | None = None
    mail_effective: Literal["on_receipt"] | None = None
    # Optional so that agreements set up before notices were drafted still load.
    addresses: NoticeAddresses | None = None
    # The name the agreement gives itself in its preamble ("Registration Rights Agreement"),
    # for the Re: line of a notice beside its date and the parties' names.
    agreement_name: Annotated[str, MinLen(1), MaxLen(200)] | None = None

    def __post_init__(self) -> None:
        said = [name for name in MAIL_RULES if getattr(self, name) is not None]
        if len(said) != 1:
            raise ValueError(
                "say in one way when a mailed notice takes effect: mail_business_days: N, "
                "mail_days: N or mail_effective: on_receipt"
                + (f" (this profile says {' and '.join(said)})" if said else "")
            )

    @property
    def mail_key(self) -> str:
        """The dotted key of the mail rule this profile uses (`notices.mail_days`, ...)."""
        return "notices." + next(n for n in MAIL_RULES if getattr(self, n) is not None)

    @property
    def mail_rule(self) -> str:
        """When a mailed notice takes effect, in words."""
        if self.mail_business_days is not None:
            n = self.mail_business_days
            return f"{n} business day{'' if n == 1 else 's'} after deposit"
        if self.mail_days is not None:
            n = self.mail_days
            return f"{n} day{'' if n == 1 else 's'} after deposit"
        return "on receipt"


@dataclass(frozen=True)
class DemandTerms:
    section: Section
    eligibility_section: Section
    demands_allowed: Annotated[int, WholeNumber(), Ge(1), Le(20)]
    holder_notice: Clock
    holder_inclusion: Clock
    not_effected_section: Section
    effectiveness: Clock
    stop_order_section: Section
    withdrawal_section: Section


@dataclass(frozen=True)
class TerminationTerms:
    section: Section
    reading: Literal["earliest", "latest"]


@dataclass(frozen=True)
class PiggybackTerms:
    request: Clock
    primary_cutback_section: Section
    secondary_cutback_section: Section
    requested_basis_section: Section


@dataclass(frozen=True)
class AllowedDelayTerms:
    section: Section
    max_days: Annotated[int, WholeNumber(), Ge(1), Le(366)]
    max_delays: Annotated[int, WholeNumber(), Ge(1), Le(12)]
    period_months: Annotated[int, WholeNumber(), Ge(1), Le(60)]
    reasons: Annotated[dict[str, str], MinLen(1)]


@dataclass(frozen=True)
class SalesSuspensionTerms:
    section: Section
    misstatement_section: Section
    stop_order_section: Section
    delay_section: Section


@dataclass(frozen=True)
class AlertTerms:
    lead_days: Annotated[
        list[Annotated[int, WholeNumber()]], MinLen(1), MaxLen(20), Check(_leads_in_range)
    ]
    at: time

    def __post_init__(self) -> None:
        # Leads are kept longest first, each once, however the file lists them.
        object.__setattr__(self, "lead_days", sorted(set(self.lead_days), reverse=True))


@dataclass(frozen=True)
class DraftingDefect:
    section: Section
    applies_to: Literal["termination", "cutback", "demand", "notices", "delay", "piggyback"]
    note: Text


@dataclass(frozen=True)
class TermsProfile:
    """Everything regrights knows about one registration rights agreement."""

    # Read by the validator of profile files; the dataclasses inside follow it.
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    id: Annotated[str, Check(_profile_id)]
    title: Text
    dated: date
    company: Text
    investor: Text
    timezone: Annotated[str, Check(_known_timezone)]
    notices: Notices
    demand: DemandTerms
    termination: TerminationTerms
    piggyback: PiggybackTerms
    allowed_delay: AllowedDelayTerms
    requested_information: Clock
    sales_suspension: SalesSuspensionTerms
    alerts: AlertTerms
    drafting_defects: list[DraftingDefect] = field(default_factory=list)
    # Dotted key (`demand.holder_notice.days`) -> the clause it was read from.
    citations: Annotated[dict[str, Citation], Check(_cited_keys)] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def defects_about(self, topic: str) -> list[DraftingDefect]:
        return [d for d in self.drafting_defects if d.applies_to == topic]

    def value_at(self, key: str) -> Any:
        """The value at a dotted key: `demand.holder_notice.days` -> 10."""
        node: Any = self
        for part in key.split("."):
            node = getattr(node, part)
        return node

    def cited_values(self) -> list[tuple[str, str, Any, Citation | None]]:
        """Each value of CITED_VALUES: its key, what it is, its value, and its citation. A
        clock counted in business days says so; the mail clock is the one the profile uses."""
        shown = []
        for key, what in CITED_VALUES:
            if key in _MAIL_VALUES:
                key = self.notices.mail_key
                what = _MAIL_VALUES[key]
            elif key.endswith(".days") and self.value_at(key.removesuffix(".days")).business_days:
                what = f"business {what}"
            shown.append((key, what, self.value_at(key), self.citations.get(key)))
        return shown


def parse_profile(text: str, source: str = "<text>") -> TermsProfile:
    """Validate a YAML profile; every bad field is named in the ProfileError, with `source`."""
    from domain.rules.profile_validation import validate_profile

    if len(text) > MAX_PROFILE_BYTES:
        raise ProfileError(source, [f"larger than {MAX_PROFILE_BYTES >> 10} KiB"])
    try:
        raw = read_yaml(text)
    except yaml.YAMLError as exc:
        raise ProfileError(source, [f"not valid YAML: {_yaml_problem(exc)}"]) from exc
    if not isinstance(raw, dict):
        raise ProfileError(source, ["a profile is a YAML mapping of fields"])
    if _expands_beyond(raw, MAX_PROFILE_NODES):
        raise ProfileError(
            source, [f"its aliases expand to more than {MAX_PROFILE_NODES:,} values"]
        )
    return validate_profile(raw, source)


def read_yaml(text: str) -> Any:
    # libyaml's safe loader when PyYAML was built with it: the same documents, ten times
    # quicker, and every `cmd` reads the stored profile.
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


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


def read_profile_file(path: Path) -> tuple[str, TermsProfile]:
    """A profile from a file named by its path (`profile check`, `setup FILE.yaml`)."""
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise ProfileError(str(path), [f"larger than {MAX_PROFILE_BYTES >> 10} KiB"])
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from exc
    except OSError as exc:
        raise ProfileError(str(path), [f"cannot be read ({exc.strerror})"]) from exc
    return text, parse_profile(text, str(path))


def is_profile_path(reference: str) -> bool:
    """Whether `setup` was given a file (`acme.yaml`, `./profiles/acme.yml`), not an id."""
    return reference.endswith((".yaml", ".yml")) or "/" in reference


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
