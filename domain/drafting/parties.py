"""The preamble's date and parties, and the notices clause's addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.drafting.found import Found
from domain.drafting.numbers import word_value
from domain.drafting.sections import PREAMBLE, Passage
from domain.drafting.sentences import quotable, sentences

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = "|".join(_MONTHS)
_ORDINAL_DAY = r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?|(?P<dw>[a-z]+(?:-[a-z]+)?)"
_DATES = [
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})\b",
        re.I,
    ),
    re.compile(
        rf"\bthis\s+(?:{_ORDINAL_DAY})\s+day\s+of\s+(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})\b", re.I
    ),
]
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_AGREEMENT_DATE = re.compile(
    r"(?:dated|made|entered into|effective)\s+(?:and\s+entered\s+into\s+)?"
    r"(?:(?:as\s+of|on)\s+(?:this\s+)?|this\s+)?",
    re.I,
)
_DEFINES_A_PARTY = re.compile(r"\((?:the\s+)?\"(?:Company|Issuer|Corporation)\"\)")
_THIS_AGREEMENT = re.compile(r"\W*this\b[^.]{0,80}?\bagreement\b", re.I)
INVESTOR_TERMS = ("Investor", "Holder", "Purchaser", "Stockholder", "Shareholder", "Buyer")
_NAME_TAIL = re.compile(
    r",\s+(?:an?\s+[A-Z][\w ]*?\s+(?:corporation|company|limited|partnership|trust|fund|bank|"
    r"association)|a\s+corporation|an?\s+\w+\s+limited)",
    re.I,
)
_MINOR_WORDS = {"of", "the", "and", "for", "in", "on", "at", "a", "an", "de"}
# Words a name keeps in capitals: LLC, L.P., N.A., a fund's roman numeral.
_KEPT_UPPER = re.compile(r"^(?:LLC|LLP|LP|L\.P\.|N\.A\.|[IVX]{1,4})[,.]?$")
_ZIP = re.compile(r"\b\d{5}(?:-\d{4})?\b")
_ATTENTION = re.compile(r"^(?:attn|attention)\s*[:.]?\s*", re.I)


@dataclass(frozen=True)
class Address:
    lines: list[str]
    attention: str | None


def agreement_date(passages: list[Passage]) -> Found | None:
    """`dated as of June 7, 2002` or `made this 3rd day of March, 2015`, in the sentence of
    the preamble that names the parties (or says "This Agreement is dated"): a recital's
    "Purchase Agreement dated as of" is another agreement's date."""
    for passage in passages:
        if passage.section != PREAMBLE:
            break
        for sentence in sentences(passage.text):
            lead = _AGREEMENT_DATE.search(sentence)
            if lead is None or not (
                _DEFINES_A_PARTY.search(sentence) or _THIS_AGREEMENT.match(sentence)
            ):
                continue
            for pattern in _DATES:
                match = pattern.search(sentence, max(lead.end() - 6, 0))
                if match is None or match.start() - lead.end() > 12:
                    continue
                day = _day(match)
                if day is not None:
                    quote = quotable(sentence, match.start(), match.end())
                    return Found(day, PREAMBLE, quote)
    return None


def _day(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    raw_day = groups.get("d") or groups.get("d2")
    number = int(raw_day) if raw_day else None
    if number is None and groups.get("dw"):
        word = groups["dw"].lower()
        number = _ORDINAL_WORDS.get(word) or (
            word_value(word) if "-" not in word else _compound_ordinal(word)
        )
    if number is None:
        return None
    try:
        return date(int(match.group("y")), _MONTHS.index(match.group("m").lower()) + 1, number)
    except ValueError:
        return None


def _compound_ordinal(word: str) -> int | None:
    tens, _, unit = word.partition("-")
    return (word_value(tens) or 0) + _ORDINAL_WORDS[unit] if unit in _ORDINAL_WORDS else None


def party(passages: list[Passage], text: str, terms: tuple[str, ...]) -> Found | None:
    """The party the preamble defines as one of `terms` (`(the "Company")`), by name."""
    preamble = [p.text for p in passages if p.section == PREAMBLE]
    names = set()
    quote = ""
    for sentence in (s for paragraph in preamble for s in sentences(paragraph)):
        for term in terms:
            # `(the "Company")`, `(each a "Holder")`, `("Aspen" or the "Holder")`
            defined = rf"\((?:[^()]{{0,40}}?\bor\s+)?(?:the\s+|each\s+an?\s+|an?\s+)?\"{term}s?\""
            for match in re.finditer(defined + r"[^()]{0,60}\)", sentence):
                name = _name_before(sentence[: match.start()])
                if name:
                    names.add(_as_written(name, text))
                    quote = quotable(sentence, match.start(), match.end())
    if len(names) != 1:
        return None
    return Found(names.pop(), PREAMBLE, quote)


def _name_before(text: str) -> str | None:
    """`..., and PACIFIC TECHNOLOGY GROUP, INC., a Nevada corporation` -> the name."""
    # After the last party already defined (`... (the "Company"), in favor of ...`).
    text = re.split(r"\"\s*\)", text)[-1]
    cut = re.split(
        r"\b(?:by and between|by and among|between|among|and|by|in favor of|for the benefit of)"
        r"\s+(?=[A-Za-z])",
        text,
    )
    candidate = cut[-1].strip().rstrip(",")
    tail = _NAME_TAIL.search(candidate)
    if tail:
        candidate = candidate[: tail.start()]
    candidate = candidate.strip().rstrip(",")
    if not candidate or len(candidate) > 120 or not re.match(r"[A-Za-z0-9]", candidate):
        return None
    if re.search(
        r"\b(?:listed|named|set forth|identified|Schedule|Exhibit|whose|signature page|hereto|"
        r"hereof)\b|^(?:the|each|such|any|all)\s",
        candidate,
    ):
        return None  # a description ("the stockholder whose name appears ..."), not a name
    return candidate


def _as_written(name: str, text: str) -> str:
    """A name the preamble writes in capitals, as the agreement writes it elsewhere in
    ordinary case, else in title case. A word the preamble writes in mixed case is a spelling
    chosen on purpose and is kept (`nSTOR TECHNOLOGIES, INC.` is `nSTOR Technologies, Inc.`)."""
    if not _shouted(name):
        return name
    if any(_mixed_case(word) for word in name.split()):
        return _title_cased(name)
    pattern = re.escape(name).replace(r"\ ", r"\s+")
    for match in re.finditer(pattern, text, re.IGNORECASE):
        if not _shouted(match.group(0)):
            return re.sub(r"\s+", " ", match.group(0))
    return _title_cased(name)


def _title_cased(name: str) -> str:
    words = [
        w
        if _KEPT_UPPER.match(w) or _mixed_case(w)
        else w.lower()
        if index and w.lower() in _MINOR_WORDS
        else w.capitalize()
        for index, w in enumerate(name.split())
    ]
    return " ".join(words)


def _mixed_case(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return any(c.islower() for c in letters) and any(c.isupper() for c in letters)


def _shouted(name: str) -> bool:
    """Written in capitals, bar a letter or two (`nSTOR TECHNOLOGIES, INC.`)."""
    letters = [c for c in name if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def notice_addresses(passages: list[Passage], names: dict[str, str]) -> dict[str, Found]:
    """`if to the Company, at ...` / `If to the Investor:` followed by lines, in the section
    that says how notices are given."""
    found: dict[str, Found] = {}
    for passage in passages:
        if not re.search(r"\bnotices?\b", passage.text, re.I):
            continue
        for role, term in (("company", "Company|Issuer"), ("investor", "|".join(INVESTOR_TERMS))):
            if role in found:
                continue
            address = _block_address(passage.lines, term, names.get(role, ""))
            if address is None:
                address = _inline_address(passage.text, term, names.get(role, ""))
            if address is not None:
                start = passage.text.lower().find(address.lines[0].lower())
                sentence = next(
                    (s for s in sentences(passage.text) if address.lines[0] in s), passage.text
                )
                at = sentence.find(address.lines[0]) if start != -1 else 0
                found[role] = Found(address, passage.section, quotable(sentence, at, at + 1))
    return found


def _inline_address(text: str, term: str, name: str) -> Address | None:
    """`if to the Company, at 100 Century Blvd., ...` or `to the Issuer at 12 Harbor Drive,
    ...`, up to the next party's address, `or at such other`, a `;` or the sentence's end."""
    for sentence in sentences(text):
        for match in re.finditer(
            rf"(?:if to (?:the\s+)?(?:{term})s?\s*,?\s*(?:at|to)?|"
            rf"\bto (?:the\s+)?(?:{term})s?\s+(?:at|go to|shall be (?:sent|addressed) to))"
            r"\s*:?\s*(?P<body>.+?)"
            r"(?=,?\s*(?:and\s+|or\s+)?(?:if\s+)?to (?:the|each|a)\s|,?\s*or (?:at|to) such other|"
            r";|,?\s*in each case\b|\.?$)",
            sentence,
            re.I,
        ):
            address = _address(re.split(r",\s*", match.group("body")), name)
            if address is not None:
                return address
    return None


def _block_address(lines: tuple[str, ...], term: str, name: str) -> Address | None:
    for index, line in enumerate(lines):
        if re.match(rf"\s*(?:\(\w+\)\s*)?if to (?:the\s+)?(?:{term})s?\s*[:,]?\s*$", line, re.I):
            block = []
            for following in lines[index + 1 :]:
                if not following.strip() or re.match(
                    r"\s*(?:with a copy|if to|and)", following, re.I
                ):
                    break
                block.append(following.strip())
            return _address(block, name, joined=False) if block else None
    return None


def _address(parts: list[str], name: str, *, joined: bool = True) -> Address | None:
    """The lines of an address from its parts: the comma-separated pieces of an address
    written inline (`joined`: "West Palm Beach" and "FL 33417" make one line), or the lines
    of a block."""
    parts = [p.strip().rstrip(",") for p in parts if p.strip()]
    attention = None
    kept: list[str] = []
    name_words = {w.lower().strip(".,") for w in name.split()}
    for part in parts:
        if _ATTENTION.match(part):
            attention = _ATTENTION.sub("", part).strip().rstrip(".") or None
        elif (
            re.match(r"(?:facsimile|fax|telephone|tel|phone|e-?mail)\b", part, re.I)
            or part.lower().strip(".") in name_words
            or (name and {w.lower().strip(".,") for w in part.split()} <= name_words)
        ):
            continue
        else:
            kept.append(part)
    if not kept or not any(_ZIP.search(p) for p in kept):
        return None
    lines: list[str] = []
    for part in kept:
        if (
            joined
            and _ZIP.search(part)
            and lines
            and not _ZIP.search(lines[-1])
            and len(part.split()) <= 3
        ):
            lines[-1] = f"{lines[-1]}, {part}"  # "West Palm Beach" + "FL 33417"
        else:
            lines.append(part)
    return Address(lines[:8], attention)
