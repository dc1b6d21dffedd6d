"""The Allowed Delay's caps: at most N delay days, and M delays, in any P-month period."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.drafting.found import Found, one
from domain.drafting.numbers import NUMBER_TEXT, count_value, durations
from domain.drafting.sections import Passage
from domain.drafting.sentences import quotable, sentences

_I = re.IGNORECASE

_DELAY = re.compile(
    r"\bdela\w*|postpone\w*|\bdefer\w*|suspen\w*|interrupt\w*|blackout|grace period|allowed delay",
    _I,
)


@dataclass(frozen=True)
class DelayCaps:
    max_days: Found | None
    max_delays: Found | None
    period_months: Found | None


# The period a cap is counted in, right after it: "in any twelve (12) month period", "during
# any twelve-month period", "in any period of twelve consecutive months", "in the aggregate
# in any 365-day period" (days: not a number of months).
_PERIOD = re.compile(
    rf"\W*(?:in (?:the )?(?:aggregate|total)\s+)?(?:in|during|within)\s+any\s+(?:period\s+of\s+)?"
    rf"(?P<p>{NUMBER_TEXT})[\s-]*(?:consecutive\s+)?(?:calendar\s+)?[\s-]*"
    r"(?P<unit>months?|days?|years?)\b",
    _I,
)
_SAME_PERIOD = re.compile(
    r"\W*(?:in|during|within)\s+(?:any\s+)?(?:such|that|the same)\s+(?:[\w-]+\s+)?period\b", _I
)
_CAPPED = re.compile(
    r"(?:more than|exceed\w*|in excess of|up to|aggregate of|total of|longer than|maximum of|"
    r"period of)\s*(?:an aggregate of\s*|a total of\s*)?$",
    _I,
)
_TIMES = re.compile(
    rf"(?:more than|exceed\w*|in excess of)\s+(?:(?P<once>once)|(?P<twice>twice)|"
    rf"(?P<n>{NUMBER_TEXT})\s+(?:times?|occasions?|such\s+\w+|(?:[\w-]+\s+){{0,2}}?(?:delays|"
    r"periods|postponements|suspensions|deferrals|blackouts)\b))",
    _I,
)


def delay_caps(passages: list[Passage]) -> DelayCaps:
    """§2(d)-like: at most N delay days and M delays in any P-month period. The period is
    the one each cap is counted in; caps counted in different periods (a 365-day one and a
    twelve-month one), or in days, give no number of months."""
    days: list[Found] = []
    times: list[Found] = []
    periods: list[Found] = []
    for passage in passages:
        for sentence in sentences(passage.text):
            if not (_DELAY.search(sentence) or _DELAY.search(passage.text)):
                continue
            caps: list[tuple[list[Found], int, int, int]] = []
            period_stated = False
            for d in durations(sentence):
                head = sentence[max(0, d.start - 60) : d.start]
                if d.unit in ("days", "business_days") and _CAPPED.search(head):
                    caps.append((days, d.value if d.unit == "days" else 0, d.start, d.end))
            for match in _TIMES.finditer(sentence):
                if match.group("once"):
                    count: int | None = 1
                elif match.group("twice"):
                    count = 2
                else:
                    count = count_value(match.group("n"))
                if count is not None:
                    caps.append((times, count, match.start(), match.end()))
            for found, value, begin, end in caps:
                period = _PERIOD.match(sentence[end:])
                if period is None:
                    if value and _SAME_PERIOD.match(sentence[end:]) and period_stated:
                        # "... during any twelve (12) month period, nor more than three times
                        # during such period": the period already found in this sentence.
                        found.append(Found(value, passage.section, quotable(sentence, begin, end)))
                    continue  # otherwise a cap on one delay, not on a period
                period_stated = True
                quote = quotable(sentence, begin, end)
                if value:  # a cap in business days is not one the profile can hold
                    found.append(Found(value, passage.section, quote))
                length = count_value(period.group("p"))
                unit = period.group("unit").lower()
                in_months = length if unit.startswith("month") else None
                periods.append(Found(in_months or f"{length} {unit}", passage.section, quote))
    months = one(periods)
    if months is not None and not isinstance(months.value, int):
        months = None
    return DelayCaps(one(days), one(times), months)
