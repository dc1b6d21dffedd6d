"""A profile file checked against the terms model (`terms.py`): each field's type and the
limits its annotation carries. Every bad field is named by its path in the ProfileError."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache
from typing import Any, get_args, get_type_hints

from pydantic import TypeAdapter, ValidationError

from domain.rules.terms import PLACEHOLDER, ProfileError, TermsProfile

# Error types that say a field is absent: there is no input to show.
_ABSENT = {"missing", "missing_argument"}


@cache
def _validator() -> TypeAdapter[TermsProfile]:
    return TypeAdapter(TermsProfile)


def validate_profile(raw: dict[str, Any], source: str) -> TermsProfile:
    unfilled = list(placeholders(raw))
    problems = [
        f"{path}: still {PLACEHOLDER!r}, left by `profile draft` where the agreement did not "
        "say; fill it in from the agreement"
        for path in unfilled
    ]
    try:
        profile = _validator().validate_python(raw)
    except ValidationError as exc:
        problems += [
            f"{_path(err['loc'])}: {_message(err)}"
            + ("" if err["type"] in _ABSENT else f" (got {_short(err.get('input'))})")
            for err in exc.errors()
            if _path(err["loc"]) not in unfilled
        ]
        raise ProfileError(source, problems) from exc
    problems += [
        f"citations.{key}: no such field in the profile"
        for key in profile.citations
        if not _names_a_field(profile, key)
    ]
    if problems:
        raise ProfileError(source, problems)
    return profile


def placeholders(value: Any, path: str = "") -> Iterator[str]:
    """The dotted path of every value still the draft's placeholder."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from placeholders(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from placeholders(item, f"{path}.{index}")
    elif value == PLACEHOLDER:
        yield path


def _names_a_field(profile: TermsProfile, key: str) -> bool:
    """Whether `key` is a path through the model's fields (present or optional and absent)."""
    kind: Any = type(profile)
    for part in key.split("."):
        if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
            return False
        hints = get_type_hints(kind)
        if part not in {f.name for f in dataclasses.fields(kind)}:
            return False
        kind = next((a for a in get_args(hints[part]) if a is not type(None)), hints[part])
    return True


def _path(loc: Any) -> str:
    return ".".join(str(part) for part in loc) or "(profile)"


def _message(err: Any) -> str:
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])  # a Check's own sentence, without "Value error, "
    if err["type"] == "unexpected_keyword_argument":
        return "not a field of a profile here"
    return str(err["msg"])


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
