"""The notices clause's mail clock: when a mailed notice takes effect."""

from __future__ import annotations

import re

from domain.drafting.found import Found, in_days, one, spots
from domain.drafting.numbers import durations
from domain.drafting.sections import Passage
from domain.drafting.sentences import quotable, sentences

_I = re.IGNORECASE

# A sentence saying when a notice takes effect ("shall be deemed given", "is effective upon").
_TAKES_EFFECT = re.compile(
    r"\bnotices?\b[^.]*\b(?:deemed|effective|(?:counts?|considered|treated)\s+as\s+"
    r"(?:given|received|delivered))\b",
    _I,
)
_MAIL_BREAK = re.compile(r";|\(\w{1,3}\)\s|,\s+(?:or|and)\b")
_MAIL = re.compile(r"(?<![eE]-)(?<![eE])\bmail(?:ed|ing)?\b|postal|postage", _I)
_NOT_MAIL = re.compile(r"courier|overnight|facsimile|telecop|e-?mail|electronic", _I)
_ON_RECEIPT = re.compile(
    r"(?:effective|deemed (?:given|delivered|received))[^.]*?(?:upon|on|when)\s+"
    r"(?:actual\s+)?receipt|when (?:actually\s+)?received",
    _I,
)


def mail_effective(passages: list[Passage]) -> Found | None:
    """§9(b)-like: a mailed notice takes effect N (business) days after it is mailed."""
    found = []
    for s in spots(passages):
        if not in_days(s) or not _TAKES_EFFECT.search(s.sentence):
            continue
        after_mailing = re.match(
            r"\s*(?:after|following|from)\s+(?:the\s+)?(?:date\s+(?:of\s+|on which\s+)?)?(?:such\s+)?"
            r"(?:notice\s+)?(?:is\s+|was\s+|it\s+is\s+|being\s+|so\s+|having\s+been\s+)?"
            r"(?:deposit|mailing|mailed|deposited|posting|posted|postmark|sent|dispatch)",
            s.anchor,
            _I,
        )
        # The words of this way of giving notice: back to the last `;`, `(ii)`, `, or` or
        # `, and`, and on to the next (`five days after deposit in the U.S. mail, postage prepaid`).
        after = s.sentence[s.duration.end :]
        clause = _MAIL_BREAK.split(s.before)[-1] + _MAIL_BREAK.split(after)[0]
        if after_mailing and _MAIL.search(clause) and not _NOT_MAIL.search(clause):
            found.append(s.found())
    return one(found)


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
