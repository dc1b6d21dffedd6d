"""An agreement's stored profile, rebuilt and checked without loading the validator.

Every question reads the profile stored with its agreement. It is rebuilt from the YAML by
following the model's annotations, each value checked against its type and the limits its
annotation carries (a millisecond, where loading the validator costs tens). A stored profile
that does not fit (one stored by an older version, or edited in the database: `max_days: 900`,
`-90`, `true`) goes through the validator of profile files instead, which refuses it, naming
each bad field; it is never used."""

from __future__ import annotations

import dataclasses
import types
from datetime import date, time
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from annotated_types import Ge, Le, MaxLen, MinLen

from domain.rules.field_checks import Check, WholeNumber
from domain.rules.terms import TermsProfile, parse_profile, read_yaml

SOURCE = "stored profile"


def terms_from_stored(profile_yaml: str) -> TermsProfile:
    try:
        terms = _rebuild(TermsProfile, read_yaml(profile_yaml))
    except (AttributeError, KeyError, TypeError, ValueError):
        return parse_profile(profile_yaml, SOURCE)
    assert isinstance(terms, TermsProfile)
    return terms


def _rebuild(kind: Any, value: Any) -> Any:
    """`value` as `kind`; ValueError or TypeError when it does not fit."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _field_types(kind)
        return kind(**{name: _rebuild(hints[name], item) for name, item in value.items()})
    origin = get_origin(kind)
    if origin is Annotated:
        present, *limits = get_args(kind)
        rebuilt = _rebuild(present, value)
        for limit in limits:
            _within(limit, rebuilt)
        return rebuilt
    if origin is Union or origin is types.UnionType:  # `X | None`
        if value is None:
            return None
        (present,) = (arg for arg in get_args(kind) if arg is not type(None))
        return _rebuild(present, value)
    if origin is Literal:
        return _fits(value in get_args(kind), value)
    if origin is list:
        return [_rebuild(get_args(kind)[0], item) for item in _fits(type(value) is list, value)]
    if origin is dict:  # citations: dotted key -> Citation
        items = _fits(type(value) is dict, value).items()
        return {_rebuild(get_args(kind)[0], k): _rebuild(get_args(kind)[1], v) for k, v in items}
    if kind is time and isinstance(value, str):
        return time.fromisoformat(value)
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    # A plain type: exactly it (YAML's `true` is no number, nor 1.0 a count of days).
    return _fits(type(value) is kind, value)


def _within(limit: Any, value: Any) -> None:
    """Raises ValueError when `value` breaks the limit an annotation carries."""
    if isinstance(limit, WholeNumber):
        _fits(type(value) is int, value)
    elif isinstance(limit, Check):
        limit.test(value)
    elif isinstance(limit, Ge):
        _fits(value >= limit.ge, value)
    elif isinstance(limit, Le):
        _fits(value <= limit.le, value)
    elif isinstance(limit, MinLen):
        _fits(len(value) >= limit.min_length, value)
    elif isinstance(limit, MaxLen):
        _fits(len(value) <= limit.max_length, value)
    else:
        raise TypeError(f"no check for {limit!r}")


def _fits(fits: bool, value: Any) -> Any:
    if not fits:
        raise ValueError(f"does not fit: {value!r}")
    return value


@cache
def _field_types(kind: type) -> dict[str, Any]:
    hints = get_type_hints(kind, include_extras=True)
    return {f.name: hints[f.name] for f in dataclasses.fields(kind)}
