"""An agreement's text split into its numbered sections: `2(a)(ii)(F)`, `2.1(b)`, `9`.

A label opens a section where a paragraph begins with it (`9.`, `Section 2.1`, `(b)`, `(ii)`,
`(F)`) and it follows in sequence from the section before; a label inside a sentence, or a
line of a wrapped list that happens to begin with `(i)`, is text. Lower-case roman numerals
and letters share `(i)`, `(v)`, `(x)`: it is a letter when it follows the letter before it."""

from __future__ import annotations

import re
from dataclasses import dataclass

PREAMBLE = "preamble"

_NUMBER = re.compile(r"(?:(?:Section|SECTION)\s+)?(\d{1,3}(?:\.\d{1,3})*)(\.?)(?=\s|\()")
_PAREN = re.compile(r"\(([a-z]{1,5}|[A-Z])\)(?=\s|\()")
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_PAGE_MARK = re.compile(r"^\s*(<PAGE>\s*\d*|-?\s*\d{1,3}\s*-?|Page \d+( of \d+)?)\s*$")
_HEADING = re.compile(r"^\s*[A-Z][A-Z0-9 ,.&'-]{2,}$")
_ENDS_PARAGRAPH = re.compile(r"(?:[.:;]|;\s+(?:or|and))\s*$|^\s*[A-Z][A-Z ,.&'-]{2,}$")

# Levels, outermost first: 2 / (a) / (ii) / (F).
_NUMBER_LEVEL, _LETTER, _ROMAN_LEVEL, _UPPER = range(4)


@dataclass(frozen=True)
class Passage:
    """The text of one section, its lines joined, the labels of its sub-sections removed."""

    section: str
    text: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class _Label:
    level: int
    name: str
    order: tuple[int, ...]


def split_sections(text: str) -> list[Passage]:
    """The preamble, then each numbered section, in the order they appear."""
    passages: list[Passage] = []
    stack: list[_Label] = []
    current: list[str] = []
    previous_line = ""

    def close() -> None:
        if current and any(line.strip() for line in current):
            section = _reference(stack) if stack else PREAMBLE
            passages.append(Passage(section, normalize(" ".join(current)), tuple(current)))
        current.clear()

    for line in text.splitlines():
        if _PAGE_MARK.match(line):
            continue
        opened = None
        if not previous_line.strip() or _ENDS_PARAGRAPH.search(previous_line):
            opened = _leading_labels(line.lstrip(), stack)
        if not stack and _HEADING.match(line):
            # A title in the preamble is a paragraph of its own, not the start of a sentence.
            close()
            current.append(line)
            close()
        elif opened is not None:
            labels, rest = opened
            close()
            for label in labels:
                _push(stack, label)
            current.append(rest)
        else:
            current.append(line)
        previous_line = line if line.strip() else ""
    close()
    return passages


def normalize(text: str) -> str:
    """One space between words, straight quotes: the text quotes are matched against."""
    text = text.translate({0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'", 0xA0: " "})
    return re.sub(r"\s+", " ", text).strip()


def ancestors(section: str) -> list[str]:
    """`2(a)(ii)(F)` -> [`2(a)(ii)(F)`, `2(a)(ii)`, `2(a)`, `2`]; `2.1(b)` -> [`2.1(b)`,
    `2.1`, `2`]."""
    found = [section]
    while "(" in section or "." in section:
        cut = section.rindex("(") if "(" in section else section.rindex(".")
        section = section[:cut]
        found.append(section)
    return found


def _leading_labels(line: str, stack: list[_Label]) -> tuple[list[_Label], str] | None:
    """The labels a paragraph opens with, if they follow in sequence; and the text after."""
    labels: list[_Label] = []
    trial = list(stack)
    rest = line
    number = _NUMBER.match(rest)
    if number and (number.group(2) or "." in number.group(1) or rest.startswith(("Sec", "SEC"))):
        label = _number_label(number.group(1), trial)
        if label is None:
            return None
        labels.append(label)
        trial = [label]
        rest = rest[number.end() :].lstrip()
        if not rest:
            return None  # a number alone on its line ("Exhibit" / "10.4") opens no section
    while (paren := _PAREN.match(rest)) is not None:
        label = _paren_label(paren.group(1), trial)
        if label is None:
            break
        labels.append(label)
        _push(trial, label)
        rest = rest[paren.end() :].lstrip()
    return (labels, rest) if labels else None


def _number_label(name: str, stack: list[_Label]) -> _Label | None:
    order = tuple(int(part) for part in name.split("."))
    current = stack[0].order if stack else None
    if current is not None and (order <= current or order[0] > current[0] + 3):
        return None
    if current is None and order[0] > 50:
        return None  # an agreement's first section, if it is an excerpt, may be 7 but not 900
    return _Label(_NUMBER_LEVEL, name, order)


def _paren_label(name: str, stack: list[_Label]) -> _Label | None:
    if not stack:
        return None
    if name.isupper():
        return _in_sequence(_Label(_UPPER, name, (ord(name) - ord("A") + 1,)), stack)
    as_letter = _Label(_LETTER, name, (ord(name) - ord("a") + 1,)) if len(name) == 1 else None
    as_roman = _Label(_ROMAN_LEVEL, name, (_roman_value(name),)) if _ROMAN.match(name) else None
    # A letter that follows the letter before it, unless a roman list is running at this point.
    candidates = [as_roman, as_letter] if _sibling(_ROMAN_LEVEL, stack) else [as_letter, as_roman]
    for label in candidates:
        if label is not None and _in_sequence(label, stack, strict=True) is not None:
            return label
    for label in candidates:
        if label is not None and (found := _in_sequence(label, stack)) is not None:
            return found
    return None


def _in_sequence(label: _Label, stack: list[_Label], *, strict: bool = False) -> _Label | None:
    """`label` if it can open the next section: the first of its list, or after its sibling
    (the next one when `strict`; a gap is allowed otherwise, as agreements skip letters)."""
    sibling = _sibling(label.level, stack)
    if sibling is None:
        return label if label.order == (1,) else None
    if strict:
        return label if label.order[0] == sibling.order[0] + 1 else None
    return label if sibling.order[0] < label.order[0] <= sibling.order[0] + 3 else None


def _sibling(level: int, stack: list[_Label]) -> _Label | None:
    """The label at `level` of the section open now, if that list has begun."""
    for item in stack:
        if item.level == level:
            return item
    return None


def _push(stack: list[_Label], label: _Label) -> None:
    if label.level == _NUMBER_LEVEL:
        stack.clear()
    while stack and stack[-1].level >= label.level:
        stack.pop()
    stack.append(label)


def _reference(stack: list[_Label]) -> str:
    head, *rest = stack
    return head.name + "".join(f"({label.name})" for label in rest)


def _roman_value(name: str) -> int:
    total = 0
    for char, following in zip(name, [*name[1:], ""], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total
