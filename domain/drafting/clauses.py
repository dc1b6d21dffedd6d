"""The clocks of a registration rights agreement, each found by what its sentence does.

A number is taken for a clock only when the words around it say what the clock is: who
notifies whom, counted from what. `within 15 days after the receipt of the Company's notice`
in a sentence about a demand is the other holders' inclusion window; the same words in a
sentence about the Company's own registration are the piggyback window; a 180-day lock-up,
30 days to reimburse expenses or an indemnification notice match neither and are left alone.
Two different values for one clock are no value: the key is reported missing."""

from __future__ import annotations

import re

from domain.drafting.found import COMPANY, Found, Spot, clause_of, family_text, in_days, one, spots
from domain.drafting.numbers import NUMBER_TEXT, count_value
from domain.drafting.sections import Passage
from domain.drafting.sentences import quotable, sentences

_I = re.IGNORECASE

_DEMAND = re.compile(
    r"\bdemand\b|such (?:an? )?request|requested registration|initiating holder|"
    r"request(?:s|ed)? (?:for |that the company effect )?(?:a |the )?registration\b",
    _I,
)
PIGGYBACK = re.compile(
    # "holders of piggyback rights" names other holders, not a piggyback registration
    r"piggy-?back(?!\s+(?:registration\s+)?rights)|(?:propos|plan|intend)\w* to (?:register|file|effect)|"
    r"intention to (?:register|file|effect)|for its own account",
    _I,
)
# Counted from the demand: "after receipt of such request", "after the date such request is
# given", "after its receipt of a Demand", "after the Issuer receives it" (the request).
_AFTER_THE_DEMAND = re.compile(
    rf"\s*(?:after|following|of|from)\b[^.]*?\b(?:request|demand)|"
    rf"\s*after\s+(?:the\s+)?{COMPANY}\s+receives\s+(?:it|such|the|a)\b",
    _I,
)
_UPON_THE_DEMAND = re.compile(
    r"(?:upon|after|following)\s+(?:its\s+|the\s+Company's\s+)?receipt\s+of\s+(?:a|an|the|any|such)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:request|demand)",
    _I,
)
_OF_RECEIPT_THEREOF = re.compile(r"\s*(?:after|of|following)\s+(?:the\s+)?receipt\s+thereof", _I)
_ABOUT_A_REGISTRATION = re.compile(r"regist|inclu|participat|take part|\bjoin|\badded\b", _I)
# The Company's notice to the other holders: "give written notice ... to all other security
# holders", "deliver notice of the Demand to each other holder", "notify all other Holders".
_NOTICE_TO_HOLDERS = re.compile(
    r"(?:notice|notify)[^;]{0,160}?\bto\s+(?:all|each|every|the)\s+(?:other\s+)?"
    r"(?:security\s+)?holders?\b|"
    r"(?:notify|advise|inform)\s+(?:in\s+writing\s+)?(?:all|each|every|the)\s+(?:other\s+)?"
    r"holders?\b",
    _I,
)
# "prior to the first anticipated filing date", "before the Company expects to file"
_BEFORE_FILING = re.compile(
    r"\s*(?:prior to|before|in advance of)\s+(?:the\s+)?(?:(?:first|initial)\s+)?"
    r"(?:(?:anticipated|expected|planned|intended)\s+)?(?:filing|(?:date\s+)?(?:on\s+which\s+)?"
    rf"(?:the\s+)?{COMPANY}\s+(?:expects|plans|intends|anticipates)\s+to\s+file)",
    _I,
)
NOT_EFFECTED = re.compile(
    r"not be deemed to have been effected|not (?:be )?(?:count(?:ed)?|considered|deemed) as "
    r"(?:a|one of the|such)\b|shall not (?:count|constitute) (?:as )?(?:a|one)|will not count|"
    r"treated as not having been (?:made|effected|exercised)",
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
_PER_SOME_PERIOD = re.compile(
    r"[^.;,]{0,30}?\b(?:(?:in|during|within)\s+any|per\s+(?:calendar\s+)?year)\b", _I
)


def _topic(spot: Spot, passages: list[Passage]) -> str:
    """`demand` or `piggyback`: the sentence's own words decide, else its section's."""
    for text in (spot.sentence, spot.passage.text, family_text(spot.passage, passages)):
        demand = len(_DEMAND.findall(text))
        piggyback = len(PIGGYBACK.findall(text))
        if demand != piggyback:
            return "demand" if demand > piggyback else "piggyback"
    return "unknown"


def holder_notice(passages: list[Passage]) -> Found | None:
    """§2(a)-like: the Company notifies the other holders within N days after the demand."""
    return one(
        [
            s.found()
            for s in spots(passages)
            if in_days(s)
            and (
                _AFTER_THE_DEMAND.match(s.anchor)
                # "Upon receipt of a Registration Demand, the Company shall, within twenty (20)
                # days, notify all other holders"
                or (not s.anchor.strip() and _UPON_THE_DEMAND.search(clause_of(s)))
                # "within 10 days of receipt thereof, give written notice of such request"
                or (
                    _OF_RECEIPT_THEREOF.match(s.anchor)
                    and re.search(r"\b(?:request|demand)", clause_of(s), _I)
                )
            )
            and _NOTICE_TO_HOLDERS.search(clause_of(s))
            and _topic(s, passages) == "demand"
        ]
    )


def _answering_the_company(spot: Spot) -> bool:
    """A window counted from the Company's notice, for holders asking to be included in a
    registration (not, say, to buy their share of a new issue)."""
    return bool(
        _ABOUT_A_REGISTRATION.search(spot.sentence)
        and (
            re.match(
                r"\s*(?:after|following|of|from)\b[^.]*?\b(?:notice|advice|notification)",
                spot.anchor,
                _I,
            )
            # "by written notice delivered within 15 days after receipt thereof, ask to join"
            or (
                re.match(r"\s*after\s+(?:the\s+)?receipt\s+thereof\b", spot.anchor, _I)
                and re.search(r"\b(?:join|inclu\w*|participat\w*)\b", clause_of(spot), _I)
            )
        )
        and (
            re.search(
                r"inclu|join|participat|take part|request|notif|notice|elect", spot.before, _I
            )
            or re.search(
                r"\b(?:inclu\w*|join|participat\w*|take part|request)\b", clause_of(spot), _I
            )
        )
        # "at least thirty (30) days before filing" is the Company's notice period, not a window
        and not re.search(r"\b(?:at least|not less than|no fewer than)\s*$", spot.before, _I)
    )


def holder_inclusion(passages: list[Passage]) -> Found | None:
    """§2(a)-like: other holders ask to be included within N days after the Company's notice."""
    return one(
        [
            s.found()
            for s in spots(passages)
            if in_days(s) and _answering_the_company(s) and _topic(s, passages) == "demand"
        ]
    )


def piggyback_request(passages: list[Passage]) -> Found | None:
    """§2(b)(i)-like: the holder asks to piggyback within N days after the Company's notice."""
    return one(
        [
            s.found()
            for s in spots(passages)
            if in_days(s) and _answering_the_company(s) and _topic(s, passages) == "piggyback"
        ]
    )


def effectiveness(passages: list[Passage]) -> Found | None:
    """§2(a)(ii)(F)-like: a registration not effective within N days after filing does not
    use up the demand."""
    return one(
        [
            s.found()
            for s in spots(passages)
            if in_days(s)
            and _AFTER_FILING.match(s.anchor)
            and _NOT_EFFECTIVE.search(s.sentence)
            and NOT_EFFECTED.search(family_text(s.passage, passages))
        ]
    )


def requested_information(passages: list[Passage]) -> Found | None:
    """§4(a)-like: the Company tells the holder what information it needs at least N days
    before the first anticipated filing date."""
    return one(
        [
            s.found()
            for s in spots(passages)
            if in_days(s)
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
        rf"\b(?:no more than|not more than|only)\s+(?P<n>{NUMBER_TEXT})\s+(?:such\s+)?"
        r"(?:demands?|demand registrations?|registrations?|requests?)\s+(?:may|shall|will|can)\s+"
        r"be\s+(?:made|requested|demanded|effected)\b",
        _I,
    ),
    re.compile(
        rf"\b(?:a maximum of|a total of|an aggregate of)\s+(?P<n>{NUMBER_TEXT})\s+"
        r"(?:demand registrations?|demands?)\b",
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
                    about_demands = _DEMAND.search(family_text(passage, passages))
                    if count is None or count > 20 or not about_demands:
                        continue
                    quote = quotable(sentence, match.start(), match.end())
                    found.append(Found(count, passage.section, quote))
    return one(found)
