"""The clocks of a registration rights agreement, each found by what its sentence does.

A number is taken for a clock only when the words around it say what the clock is: who
notifies whom, counted from what. `within 15 days after the receipt of the Company's notice`
in a sentence about a demand is the other holders' inclusion window; the same words in a
sentence about the Company's own registration are the piggyback window; a 180-day lock-up,
30 days to reimburse expenses or an indemnification notice match neither and are left alone.
Two different values for one clock are no value: the key is reported missing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from domain.drafting.numbers import NUMBER_TEXT, Duration, count_value, durations
from domain.drafting.sections import Passage, ancestors
from domain.drafting.sentences import quotable, sentences

_I = re.IGNORECASE
_DEMAND = re.compile(
    r"\bdemand\b|such request|requested registration|initiating holder|"
    r"request(?:s|ed)? (?:for |that the company effect )?(?:a |the )?registration\b",
    _I,
)
PIGGYBACK = re.compile(
    r"piggy-?back|(?:propos|plan|intend)\w* to (?:register|file|effect)|"
    r"intention to (?:register|file|effect)|for its own account",
    _I,
)
# What agreements call the Company.
COMPANY = r"(?:Company|Issuer|Corporation)"
# Counted from the demand: "after receipt of such request", "after the date such request is
# given", "after its receipt of a Demand", "after the Issuer receives it" (the request).
_AFTER_THE_DEMAND = re.compile(
    rf"\s*(?:after|following|of|from)\b[^.]*?\b(?:request|demand)|"
    rf"\s*after\s+(?:the\s+)?{COMPANY}\s+receives\s+(?:it|such|the|a)\b",
    _I,
)
# The Company's notice to the other holders: "give written notice ... to all other security
# holders", "deliver notice of the Demand to each other holder", "notify all other Holders".
_NOTICE_TO_HOLDERS = re.compile(
    r"(?:notice|notify)[^;]{0,160}?\bto\s+(?:all|each|every|the)\s+(?:other\s+)?"
    r"(?:security\s+)?holders?\b|"
    r"notify\s+(?:in\s+writing\s+)?(?:all|each|every|the)\s+(?:other\s+)?holders?\b",
    _I,
)
# A sentence saying when a notice takes effect ("shall be deemed given", "is effective upon").
_TAKES_EFFECT = re.compile(
    r"\bnotices?\b[^.]*\b(?:deemed|effective|(?:counts?|considered|treated)\s+as\s+"
    r"(?:given|received|delivered))\b",
    _I,
)
# "prior to the first anticipated filing date", "before the Company expects to file"
_BEFORE_FILING = re.compile(
    r"\s*(?:prior to|before|in advance of)\s+(?:the\s+)?(?:(?:first|initial)\s+)?"
    r"(?:(?:anticipated|expected|planned|intended)\s+)?(?:filing|(?:date\s+)?(?:on\s+which\s+)?"
    rf"(?:the\s+)?{COMPANY}\s+(?:expects|plans|intends|anticipates)\s+to\s+file)",
    _I,
)
_MAIL_BREAK = re.compile(r";|\(\w{1,3}\)\s|,\s+or\b")
_CLAUSE_BREAK = re.compile(r";|\((?:[a-h]|[ivx]{1,4}|[A-H])\)\s")
_DELAY = re.compile(
    r"\bdela\w*|postpone\w*|\bdefer\w*|suspen\w*|blackout|grace period|allowed delay", _I
)
NOT_EFFECTED = re.compile(
    r"not be deemed to have been effected|not (?:be )?(?:count(?:ed)?|considered|deemed) as "
    r"(?:a|one of the|such)\b|shall not (?:count|constitute) (?:as )?(?:a|one)|will not count",
    _I,
)
_NOT_EFFECTIVE = re.compile(
    r"(?:not|fails? to|failure to)\s+(?:have\s+)?(?:become|becomes|be declared|been declared|"
    r"declared|be)\s+(?:declared\s+)?effective|"
    r"unless[^.]{0,80}?(?:becomes?|become|been declared|is declared|declared)\s+effective",
    _I,
)
_AFTER_FILING = re.compile(
    r"\s*(?:after|following|of|from)\s+(?:the\s+|its\s+|such\s+)*(?:date\s+(?:of\s+)?)?"
    r"(?:the\s+|its\s+|such\s+|initial\s+)*(?:filing|(?:it|such registration statement|the "
    r"registration statement)\s+(?:is|was|has\s+been|had\s+been)\s+(?:first\s+|initially\s+)?"
    r"filed)",
    _I,
)
_MAIL = re.compile(r"(?<![eE]-)(?<![eE])\bmail(?:ed|ing)?\b|postal|postage", _I)
_NOT_MAIL = re.compile(r"courier|overnight|facsimile|telecop|e-?mail|electronic", _I)
_PER_SOME_PERIOD = re.compile(
    r"[^.;,]{0,30}?\b(?:(?:in|during|within)\s+any|per\s+(?:calendar\s+)?year)\b", _I
)
_ON_RECEIPT = re.compile(
    r"(?:effective|deemed (?:given|delivered|received))[^.]*?(?:upon|on|when)\s+"
    r"(?:actual\s+)?receipt|when (?:actually\s+)?received",
    _I,
)


@dataclass(frozen=True)
class Found:
    """A value read from the agreement, with the section and the words it was read from."""

    value: object
    section: str
    quote: str
    business_days: bool = False


@dataclass(frozen=True)
class _Spot:
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


def spots(passages: list[Passage]) -> Iterator[_Spot]:
    for passage in passages:
        for sentence in sentences(passage.text):
            numbers = durations(sentence)
            for index, duration in enumerate(numbers):
                begin = numbers[index - 1].end if index else 0
                after = sentence[duration.end :]
                anchor = re.split(r"[,;:)]|\.\s|\.$", after, maxsplit=1)[0]
                yield _Spot(passage, sentence, duration, sentence[begin : duration.start], anchor)


def _one(found: list[Found]) -> Found | None:
    """The value every finding agrees on (the first one cited), or none if they differ."""
    if not found:
        return None
    first = found[0]
    if any((f.value, f.business_days) != (first.value, first.business_days) for f in found):
        return None
    return first


def _topic(spot: _Spot, passages: list[Passage]) -> str:
    """`demand` or `piggyback`: the sentence's own words decide, else its section's."""
    for text in (spot.sentence, spot.passage.text, _family_text(spot.passage, passages)):
        demand = len(_DEMAND.findall(text))
        piggyback = len(PIGGYBACK.findall(text))
        if demand != piggyback:
            return "demand" if demand > piggyback else "piggyback"
    return "unknown"


def _family_text(passage: Passage, passages: list[Passage]) -> str:
    family = set(ancestors(passage.section))
    return " ".join(p.text for p in passages if p.section in family)


def _days(spot: _Spot) -> bool:
    return spot.duration.unit in ("days", "business_days")


def holder_notice(passages: list[Passage]) -> Found | None:
    """§2(a)-like: the Company notifies the other holders within N days after the demand."""
    return _one(
        [
            s.found()
            for s in spots(passages)
            if _days(s)
            and _AFTER_THE_DEMAND.match(s.anchor)
            and _NOTICE_TO_HOLDERS.search(_clause(s))
            and _topic(s, passages) == "demand"
        ]
    )


def _clause(spot: _Spot) -> str:
    """The part of the sentence a number belongs to: between the `;` or list label `(ii)`
    before it and the one after it."""
    before = spot.sentence[: spot.duration.start]
    after = spot.sentence[spot.duration.start :]
    return _CLAUSE_BREAK.split(before)[-1] + _CLAUSE_BREAK.split(after)[0]


def _answering_the_company(spot: _Spot) -> bool:
    """A window counted from the Company's notice, for holders asking to be included."""
    return bool(
        (
            re.match(r"\s*(?:after|following|of|from)\b[^.]*?\bnotice", spot.anchor, _I)
            # "by written notice delivered within 15 days after receipt thereof, ask to join"
            or (
                re.match(r"\s*after\s+(?:the\s+)?receipt\s+thereof\b", spot.anchor, _I)
                and re.search(r"\b(?:join|inclu\w*|participat\w*)\b", _clause(spot), _I)
            )
        )
        and (
            re.search(
                r"inclu|join|participat|take part|request|notif|notice|elect", spot.before, _I
            )
            or re.search(r"\b(?:inclu\w*|join|participat\w*|take part)\b", _clause(spot), _I)
        )
        and not re.search(r"\bat least\s*$|prior to|before", spot.before[-30:], _I)
    )


def holder_inclusion(passages: list[Passage]) -> Found | None:
    """§2(a)-like: other holders ask to be included within N days after the Company's notice."""
    return _one(
        [
            s.found()
            for s in spots(passages)
            if _days(s) and _answering_the_company(s) and _topic(s, passages) == "demand"
        ]
    )


def piggyback_request(passages: list[Passage]) -> Found | None:
    """§2(b)(i)-like: the holder asks to piggyback within N days after the Company's notice."""
    return _one(
        [
            s.found()
            for s in spots(passages)
            if _days(s) and _answering_the_company(s) and _topic(s, passages) == "piggyback"
        ]
    )


def effectiveness(passages: list[Passage]) -> Found | None:
    """§2(a)(ii)(F)-like: a registration not effective within N days after filing does not
    use up the demand."""
    return _one(
        [
            s.found()
            for s in spots(passages)
            if _days(s)
            and _AFTER_FILING.match(s.anchor)
            and _NOT_EFFECTIVE.search(s.sentence)
            and NOT_EFFECTED.search(_family_text(s.passage, passages))
        ]
    )


def requested_information(passages: list[Passage]) -> Found | None:
    """§4(a)-like: the Company tells the holder what information it needs at least N days
    before the first anticipated filing date."""
    return _one(
        [
            s.found()
            for s in spots(passages)
            if _days(s)
            and re.search(
                r"(?:at least|not less than|no fewer than|no later than)\s*$", s.before, _I
            )
            and _BEFORE_FILING.match(s.anchor)
            and re.search(r"\binformation\b", s.sentence, _I)
            and re.search(
                rf"\b{COMPANY}\s+(?:shall|will|must)\b[^.]{{0,100}}?\b(?:notify|request|advise|"
                r"inform|deliver|send|furnish)",
                s.sentence,
            )
        ]
    )


def mail_effective(passages: list[Passage]) -> Found | None:
    """§9(b)-like: a mailed notice takes effect N (business) days after it is mailed."""
    found = []
    for s in spots(passages):
        if not _days(s) or not _TAKES_EFFECT.search(s.sentence):
            continue
        after_mailing = re.match(
            r"\s*(?:after|following|from)\s+(?:the\s+)?(?:date\s+(?:of\s+|on which\s+)?)?(?:such\s+)?"
            r"(?:notice\s+)?(?:is\s+|was\s+|it\s+is\s+|being\s+|so\s+|having\s+been\s+)?"
            r"(?:deposit|mailing|mailed|deposited|posting|posted|sent|dispatch)",
            s.anchor,
            _I,
        )
        # The words of this way of giving notice: back to the last `;`, `(ii)` or `, or`, and
        # on to the next (`five days after deposit in the U.S. mail, postage prepaid`).
        after = s.sentence[s.duration.end :]
        clause = _MAIL_BREAK.split(s.before)[-1] + _MAIL_BREAK.split(after)[0]
        if after_mailing and _MAIL.search(clause) and not _NOT_MAIL.search(clause):
            found.append(s.found())
    return _one(found)


def mail_on_receipt(passages: list[Passage]) -> Found | None:
    """A notices clause under which mail, like delivery by hand, takes effect on receipt."""
    for passage in passages:
        for sentence in sentences(passage.text):
            if not re.search(r"\bnotices?\b", sentence, _I) or not _MAIL.search(sentence):
                continue
            if durations(sentence):
                continue
            if _ON_RECEIPT.search(sentence):
                return Found("on receipt", passage.section, quotable(sentence, 0, 0))
    return None


_COUNT = rf"(?:up to |a total of |no more than |not more than |an aggregate of |only )?(?P<n>{NUMBER_TEXT})"
_DEMAND_COUNTS = [
    re.compile(
        rf"\bentitled to (?:(?:request|demand|make|initiate|require)\s+)?{_COUNT}\s+(?:[\w-]+\s+){{0,2}}?"
        r"(?:registrations?|demands?|requests?)\b",
        _I,
    ),
    re.compile(
        rf"\b(?:not be (?:obligated|required) to effect\s+more than|(?:obligated|required) to "
        rf"effect\s+(?:no more than|not more than|only|up to|a maximum of))\s+"
        rf"(?P<n>{NUMBER_TEXT})\s+(?:[\w-]+\s+){{0,2}}?(?:registrations?|demands?)\b",
        _I,
    ),
    re.compile(
        rf"\bnot be entitled to (?:request |make |demand |initiate )?more than\s+"
        rf"(?P<n>{NUMBER_TEXT})\s+(?:[\w-]+\s+){{0,2}}?(?:registrations?|demands?|requests?)\b",
        _I,
    ),
    re.compile(
        rf"\b(?:may|shall have the right to)\s+(?:request|make|initiate|demand)\s+"
        rf"(?:up to |a total of |no more than |not more than )(?P<n>{NUMBER_TEXT})\s+(?:[\w-]+\s+){{0,2}}?"
        r"(?:registrations?|demands?|requests?)\b",
        _I,
    ),
]


def demands_allowed(passages: list[Passage]) -> Found | None:
    """How many demand registrations the holder may require in all (not per period)."""
    found = []
    for passage in passages:
        for sentence in sentences(passage.text):
            for pattern in _DEMAND_COUNTS:
                for match in pattern.finditer(sentence):
                    if _PER_SOME_PERIOD.match(sentence[match.end() :]):
                        continue  # "more than two Demand Registrations in any 12-month period"
                    count = count_value(match.group("n"))
                    about_demands = _DEMAND.search(_family_text(passage, passages))
                    if count is None or count > 20 or not about_demands:
                        continue
                    quote = quotable(sentence, match.start(), match.end())
                    found.append(Found(count, passage.section, quote))
    return _one(found)


@dataclass(frozen=True)
class DelayCaps:
    max_days: Found | None
    max_delays: Found | None
    period_months: Found | None


# The period a cap is counted in, right after it: "in any twelve (12) month period", "during
# any twelve-month period", "in any period of twelve consecutive months", "in the aggregate
# in any 365-day period" (days: not a number of months).
_PERIOD = re.compile(
    rf"\W*(?:in the aggregate\s+)?(?:in|during|within)\s+any\s+(?:period\s+of\s+)?"
    rf"(?P<p>{NUMBER_TEXT})[\s-]*(?:consecutive\s+)?(?:calendar\s+)?[\s-]*"
    r"(?P<unit>months?|days?|years?)\b",
    _I,
)
_SAME_PERIOD = re.compile(r"\W*(?:in|during|within)\s+(?:such|that|the same)\s+period\b", _I)
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
    months = _one(periods)
    if months is not None and not isinstance(months.value, int):
        months = None
    return DelayCaps(_one(days), _one(times), months)


def section_where(passages: list[Passage], *patterns: re.Pattern[str]) -> str | None:
    """The first section whose own text matches every one of `patterns`."""
    return next(
        (p.section for p in passages if all(pattern.search(p.text) for pattern in patterns)),
        None,
    )
