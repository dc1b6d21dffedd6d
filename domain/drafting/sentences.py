"""A section's text cut into sentences, and the part of a long sentence worth quoting."""

from __future__ import annotations

import re

# Words that end in a period without ending the sentence.
_ABBREVIATIONS = {
    "inc",
    "corp",
    "co",
    "ltd",
    "no",
    "nos",
    "blvd",
    "st",
    "ave",
    "rd",
    "dr",
    "ste",
    "mr",
    "mrs",
    "ms",
    "u.s",
    "e.g",
    "i.e",
    "sec",
    "secs",
    "jr",
    "sr",
    "l.p",
    "n.a",
    "p.c",
    "fla",
    "tex",
    "cal",
    "attn",
    "fl",
    "pkwy",
    "v",
    "vs",
    "etc",
}
_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(A-Z])")
_LONG_QUOTE_WORDS = 70
_LONG_QUOTE_CHARS = 1200


def sentences(text: str) -> list[str]:
    found: list[str] = []
    start = 0
    for match in _END.finditer(text):
        before = text[start : match.start()]
        last_word = re.search(r"([A-Za-z.]+)\.\W*$", before)
        if last_word and last_word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if re.search(r"\b[A-Z]\.\W*$", before):  # an initial: "John E. Gates"
            continue
        found.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        found.append(text[start:].strip())
    return found


def quotable(sentence: str, start: int, end: int) -> str:
    """The sentence, or for a long one the semicolon-bounded part holding `start:end`, with
    `...` where it was cut. Always a verbatim run of the sentence's own words."""
    if len(sentence.split()) <= _LONG_QUOTE_WORDS:
        return sentence
    left = sentence.rfind("; ", 0, start)
    right = sentence.find("; ", end)
    right = len(sentence) if right == -1 else right
    begin = left + 2 if left != -1 else 0
    if right - begin > _LONG_QUOTE_CHARS:
        # A run-on clause: the words around the value, cut at spaces.
        begin = max(begin, sentence.rfind(" ", 0, max(start - _LONG_QUOTE_CHARS // 2, 0)) + 1)
        right = min(right, _space_after(sentence, begin + _LONG_QUOTE_CHARS))
    part = sentence[begin:right].strip()
    prefix = "..." if not sentence.startswith(part) else ""
    suffix = "..." if not sentence.endswith(part) else ""
    return f"{prefix}{part}{suffix}"


def _space_after(text: str, at: int) -> int:
    found = text.find(" ", at)
    return len(text) if found == -1 else found
