"""A profile file checked against the terms model (`terms.py`): each field's type and the
limits its annotation carries. Every bad field is named by its path in the ProfileError."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from domain.rules.terms import ProfileError, TermsProfile

# Error types that say a field is absent: there is no input to show.
_ABSENT = {"missing", "missing_argument"}


@cache
def _validator() -> TypeAdapter[TermsProfile]:
    return TypeAdapter(TermsProfile)


def validate_profile(raw: dict[str, Any], source: str) -> TermsProfile:
    try:
        return _validator().validate_python(raw)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in err['loc']) or '(profile)'}: {_message(err)}"
            + ("" if err["type"] in _ABSENT else f" (got {_short(err.get('input'))})")
            for err in exc.errors()
        ]
        raise ProfileError(source, problems) from exc


def _message(err: Any) -> str:
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])  # a Check's own sentence, without "Value error, "
    if err["type"] == "unexpected_keyword_argument":
        return "not a field of a profile here"
    return str(err["msg"])


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
