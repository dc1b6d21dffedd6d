"""An agreement's stored profile, rebuilt without validating it again.

Every question reads the profile stored with its agreement. It was validated when the
agreement was set up, so it is rebuilt from the YAML by following the model's annotations,
which costs a millisecond where loading the validator costs tens. A stored profile that does
not fit the model (one stored by an older version, say) goes through the validator instead,
which names what is wrong with it."""

from __future__ import annotations

import dataclasses
import types
from datetime import date, time
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

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
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _field_types(kind)
        return kind(**{name: _rebuild(hints[name], item) for name, item in value.items()})
    origin = get_origin(kind)
    if origin is Annotated:
        return _rebuild(get_args(kind)[0], value)
    if origin is Union or origin is types.UnionType:  # `X | None`
        if value is None:
            return None
        (present,) = (arg for arg in get_args(kind) if arg is not type(None))
        return _rebuild(present, value)
    if origin is list:
        return [_rebuild(get_args(kind)[0], item) for item in value]
    if origin is dict:  # citations: dotted key -> Citation
        return {key: _rebuild(get_args(kind)[1], item) for key, item in value.items()}
    if kind is time and isinstance(value, str):
        return time.fromisoformat(value)
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    return value


@cache
def _field_types(kind: type) -> dict[str, Any]:
    hints = get_type_hints(kind, include_extras=True)
    return {f.name: hints[f.name] for f in dataclasses.fields(kind)}
