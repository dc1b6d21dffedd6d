"""What the drafter reads a value from: each number in each sentence with the words around
it (a `Spot`), and a value found (`Found`) with its section and quoted sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from domain.drafting.numbers import Duration, durations
from domain.drafting.sections import Passage, ancestors
from domain.drafting.sentences import quotable, sentences

# What agreements call the Company.
COMPANY = r"(?:Company|Issuer|Corporation)"
_CLAUSE_BREAK = re.compile(r";|\((?:[a-h]|[ivx]{1,4}|[A-H])\)\s")


@dataclass(frozen=True)
class Found:
    """A value read from the agreement, with the section and the words it was read from."""

    value: object
    section: str
    quote: str
    business_days: bool = False


@dataclass(frozen=True)
class Spot:
    """One number in one sentence, with the words on either side of it."""

    passage: Passage
    sentence: str
    duration: Duration
    before: str  # from the previous number (or the sentence's start) to this one
    anchor: str  # what follows, to the first comma or semicolon: "after receipt of such request"

    def found(self, value: object | None = None) -> Found:
        quote = quotable(self.sentence, self.duration.start, self.duration.end)
        business = self.duration.unit == "business_days"
        return Found(
            self.duration.value if value is None else value,
            self.passage.section,
            quote,
            business,
        )


def spots(passages: list[Passage]) -> Iterator[Spot]:
    for passage in passages:
        for sentence in sentences(passage.text):
            numbers = durations(sentence)
            for index, duration in enumerate(numbers):
                begin = numbers[index - 1].end if index else 0
                after = sentence[duration.end :]
                anchor = re.split(r"[,;:)]|\.\s|\.$", after, maxsplit=1)[0]
                yield Spot(passage, sentence, duration, sentence[begin : duration.start], anchor)


def one(found: list[Found]) -> Found | None:
    """The value every finding agrees on (the first one cited), or none if they differ."""
    if not found:
        return None
    first = found[0]
    if any((f.value, f.business_days) != (first.value, first.business_days) for f in found):
        return None
    return first


def family_text(passage: Passage, passages: list[Passage]) -> str:
    family = set(ancestors(passage.section))
    return " ".join(p.text for p in passages if p.section in family)


def in_days(spot: Spot) -> bool:
    return spot.duration.unit in ("days", "business_days")


def clause_of(spot: Spot) -> str:
    """The part of the sentence a number belongs to: between the `;` or list label `(ii)`
    before it and the one after it."""
    before = spot.sentence[: spot.duration.start]
    after = spot.sentence[spot.duration.start :]
    return _CLAUSE_BREAK.split(before)[-1] + _CLAUSE_BREAK.split(after)[0]


def section_where(passages: list[Passage], *patterns: re.Pattern[str]) -> str | None:
    """The first section whose own text matches every one of `patterns`."""
    return next(
        (p.section for p in passages if all(pattern.search(p.text) for pattern in patterns)),
        None,
    )
