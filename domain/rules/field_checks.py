"""Limits that a profile's fields carry in their annotations, beside `annotated_types`' Ge, Le,
MinLen and MaxLen. The validator of profile files (pydantic) reads them through the
`__get_pydantic_core_schema__` hook; each builds its check only then, so declaring a field
loads nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class WholeNumber:
    """A count or a number of days written as a YAML integer: `days: true`, `days: 1.0` or
    `days: "180"` is a mistake, not 1 or 180."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.int_schema(strict=True)


@dataclass(frozen=True)
class Check:
    """A test of a field's value once its type is right: `test` returns the value, or raises
    ValueError saying what is wrong with it."""

    test: Callable[[Any], Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.test, handler(source))
