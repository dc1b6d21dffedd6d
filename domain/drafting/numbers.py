"""Numbers and periods as agreements write them: `ten (10) days`, `five Business Days`,
`twenty-one (21) days`, `180 days`, `a twelve (12) month period`, `a 12-month period`.

Where words and digits both appear they must agree ("ten (10)"); where they do not, the
number is not read at all, as a drafting error is for counsel to resolve."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["days", "business_days", "months", "years"]

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
}
_UNIT_WORD = "|".join(_UNITS)
_TENS_WORD = "|".join(_TENS)
_BELOW_HUNDRED = rf"(?:(?:{_TENS_WORD})(?:[- ](?:{_UNIT_WORD}))?|{_UNIT_WORD})"
WORDS = rf"(?:(?:{_UNIT_WORD})\s+hundred(?:\s+(?:and\s+)?{_BELOW_HUNDRED})?|{_BELOW_HUNDRED})"
# `ten (10)`, `ten`, `10`: a number as written, without groups, to embed in a pattern.
NUMBER_TEXT = rf"(?:(?:{WORDS})\s*(?:\(\s*\d{{1,4}}\s*\))?|\d{{1,4}})"
# The same, its parts named: `_agreed` reads them.
NUMBER = rf"(?:(?P<words>{WORDS})\s*(?:\(\s*(?P<paren>\d{{1,4}})\s*\))?|(?P<digits>\d{{1,4}}))"

_DURATION = re.compile(
    rf"\b{NUMBER}[\s-]*(?:(?:consecutive|total|aggregate|full)\s+)?"
    r"(?P<business>business|Business|BUSINESS|calendar|Calendar|trading|Trading)?"
    rf"[\s-]*(?P<unit>days?|Days?|DAYS?|months?|Months?|years?|Years?)\b",
    re.IGNORECASE,
)
_ORDINAL_WORD = "|".join(sorted(_ORDINALS, key=len, reverse=True))
# `the third (3rd) Business Day`, `the ninetieth (90th) day`, `the one hundred eightieth day`
_ORDINAL_DAY = re.compile(
    rf"\b(?P<ordinal>(?:(?:{_UNIT_WORD}|{_TENS_WORD}|hundred|and)[\s-]+)*(?:{_ORDINAL_WORD}))\s*"
    r"(?:\(\s*(?P<digits>\d{1,4})(?:st|nd|rd|th)\s*\)\s*)?"
    r"(?P<business>business\s+|calendar\s+)?day\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Duration:
    """A number of days or months found in a sentence, and where."""

    value: int
    unit: Unit | Literal["trading_days"]
    start: int
    end: int
    text: str


def word_value(words: str) -> int | None:
    """`one hundred eighty` -> 180, `twenty-one` -> 21; None if not a number in words."""
    parts = re.split(r"[\s-]+", words.lower().strip())
    total = 0
    current = 0
    for part in parts:
        if part == "and":
            continue
        if part in _UNITS:
            current += _UNITS[part]
        elif part in _TENS:
            current += _TENS[part]
        elif part == "hundred" and current:
            current *= 100
        else:
            return None
    total += current
    return total or None


def ordinal_value(words: str) -> int | None:
    """`third` -> 3, `ninetieth` -> 90, `one hundred eightieth` -> 180, `forty-fifth` -> 45."""
    parts = re.split(r"[\s-]+", words.lower().strip())
    last = _ORDINALS.get(parts[-1])
    if last is None:
        return None
    if len(parts) == 1:
        return last
    if parts[-1] == "hundredth":
        head = word_value(" ".join(parts[:-1]))
        return head * 100 if head else None
    head = word_value(" ".join(parts[:-1]))
    return head + last if head else None


def count_value(text: str) -> int | None:
    """A count written `two (2)`, `two` or `2` (the whole of `text`)."""
    match = re.fullmatch(NUMBER, text.strip(), re.IGNORECASE)
    return _agreed(match) if match else None


def durations(sentence: str) -> list[Duration]:
    """Every `N days`, `N Business Days`, `N months` and `the third business day` in order."""
    found: list[Duration] = []
    for match in _DURATION.finditer(sentence):
        value = _agreed(match)
        if value is None:
            continue
        kind = (match.group("business") or "").lower()
        unit_word = match.group("unit").lower()
        unit: Unit | Literal["trading_days"]
        if unit_word.startswith("month"):
            unit = "months"
        elif unit_word.startswith("year"):
            unit = "years"
        elif kind == "business":
            unit = "business_days"
        elif kind == "trading":
            unit = "trading_days"
        else:
            unit = "days"
        found.append(Duration(value, unit, match.start(), match.end(), match.group(0)))
    for match in _ORDINAL_DAY.finditer(sentence):
        ordinal = ordinal_value(match.group("ordinal"))
        if ordinal is None or (match.group("digits") and int(match.group("digits")) != ordinal):
            continue
        value = ordinal
        business = (match.group("business") or "").strip().lower() == "business"
        unit = "business_days" if business else "days"
        found.append(Duration(value, unit, match.start(), match.end(), match.group(0)))
    return sorted(found, key=lambda d: d.start)


def _agreed(match: re.Match[str]) -> int | None:
    """The number a match names, if its words and digits agree."""
    if match.group("digits"):
        return int(match.group("digits"))
    value = word_value(match.group("words"))
    paren = match.group("paren")
    if paren is not None and value != int(paren):
        return None
    return value
