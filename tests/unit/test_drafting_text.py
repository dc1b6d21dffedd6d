"""The drafting package's reading of text: numbers in words and digits, and numbered sections."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.drafting.numbers import count_value, durations, word_value
from domain.drafting.sections import PREAMBLE, split_sections

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int) -> str:
    """An independent spelling of 1..999, as agreements write it: `one hundred eighty`."""
    hundreds, rest = divmod(n, 100)
    words = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_ONES[rest])
    return " ".join(words)


@given(st.integers(1, 999))
def test_any_number_in_words_and_digits_reads_as_itself(n: int) -> None:
    assert word_value(in_words(n)) == n
    (found,) = durations(f"within {in_words(n)} ({n}) days after receipt")
    assert (found.value, found.unit) == (n, "days")


@given(st.integers(1, 999), st.integers(1, 999))
def test_words_and_digits_that_disagree_are_not_read(n: int, m: int) -> None:
    text = f"within {in_words(n)} ({m}) Business Days after receipt"
    assert [d.value for d in durations(text)] == ([n] if n == m else [])


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("five Business Days after receipt", 5, "business_days"),
        ("twenty-one (21) days after", 21, "days"),
        ("a twelve (12) month period", 12, "months"),
        ("any 12-month period", 12, "months"),
        ("any 365-day period", 365, "days"),
        ("ten (10) Trading Days prior to", 10, "trading_days"),
        ("on the third (3rd) business day after mailing", 3, "business_days"),
        ("ten calendar days after", 10, "days"),
    ],
)
def test_units(text: str, value: int, unit: str) -> None:
    (found,) = durations(text)
    assert (found.value, found.unit) == (value, unit)


def test_counts() -> None:
    assert count_value("two (2)") == 2
    assert count_value("one") == 1
    assert count_value("two (3)") is None
    assert count_value("several") is None


def sections_of(text: str) -> list[str]:
    return [p.section for p in split_sections(text)]


def test_decimal_sections_and_their_subsections() -> None:
    text = (
        "Preamble words.\n\nSection 2.1 Demand.\n\n(a) First.\n\n(b) Second.\n\n"
        "Section 2.2 Piggyback. Text.\n\n3.1 Notices. Text.\n"
    )
    assert sections_of(text) == [PREAMBLE, "2.1", "2.1(a)", "2.1(b)", "2.2", "3.1"]


def test_a_wrapped_line_beginning_with_a_label_is_not_a_section() -> None:
    text = (
        "2. Registration.\n\n(a) Demand. The date on which the earliest to occur of\n"
        "(i) the sale of all shares and (ii) the transfer of all shares.\n\n"
        "(b) Piggyback. Text.\n"
    )
    assert sections_of(text) == ["2", "2(a)", "2(b)"]


def test_letter_i_after_h_and_roman_i_under_a_letter() -> None:
    letters = "".join(f"({c}) Item {c}.\n\n" for c in "abcdefghij")
    assert sections_of("3. Obligations.\n\n" + letters)[-3:] == ["3(h)", "3(i)", "3(j)"]
    nested = "2. Registration.\n\n(a) Demand.\n\n(i) First.\n\n(ii) Second.\n\n(b) Next.\n"
    assert sections_of(nested) == ["2", "2(a)", "2(a)(i)", "2(a)(ii)", "2(b)"]


def test_a_list_out_of_sequence_is_text() -> None:
    # "(ii)" with no "(i)" before it continues the sentence of 3(a), as in nStor's 6(a).
    text = (
        "3. Indemnity.\n\n(a) By the Company. It shall not apply to a claim;\n(ii) nor to others.\n"
    )
    assert sections_of(text) == ["3", "3(a)"]


def test_skipped_capital_letters_are_still_sections() -> None:
    # nStor's 2(a)(ii) runs from (C) to (E).
    text = "2. R.\n\n(a) D.\n\n(i) One.\n\n(ii) If:\n\n(A) one;\n\n(C) two;\n\n(E) three; or\n(F) four.\n"
    assert sections_of(text)[-3:] == ["2(a)(ii)(C)", "2(a)(ii)(E)", "2(a)(ii)(F)"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "2. Registration.",
                "(a) Demand.",
                "(i) If the Company proposes to register,",
                "Section 2.1 Piggyback.",
                "within ten (10) days after receipt of such request",
                "notice to all other holders",
                "for more than ninety (90) days in any twelve (12) month period",
                "if to the Company, at 1 Main St., Town, ST 00001, Attn: X",
                "dated as of June 7, 2002",
                '(the "Company")',
                "; ",
                ". ",
                "\n",
                "\n\n",
            ]
        )
        | st.text(max_size=40),
        max_size=40,
    )
)
def test_any_text_drafts_to_a_profile_that_is_valid_or_names_its_problems(
    pieces: list[str],
) -> None:
    from domain.drafting.draft import draft_profile
    from domain.drafting.profile_yaml import draft_yaml
    from domain.rules.terms import ProfileError, parse_profile

    text = " ".join(pieces)
    draft = draft_profile(text)
    try:
        parse_profile(draft_yaml(draft, "fuzz.txt"))
    except ProfileError as exc:
        assert exc.problems
    for citation in draft.citations.values():
        assert len(citation["quote"]) <= 1300


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on or before the ninetieth (90th) day after it is filed", 90),
        ("on the one hundred eightieth day after filing", 180),
        ("on the forty-fifth day after", 45),
    ],
)
def test_ordinal_days(text: str, value: int) -> None:
    (found,) = durations(text)
    assert (found.value, found.unit) == (value, "days")
    if "(" in text:  # words and digits that disagree are not read
        assert durations(text.replace(f"({value}th)", f"({value + 1}th)")) == []


def test_an_excerpt_may_begin_at_section_7_and_a_lone_number_is_not_a_section() -> None:
    text = "EXHIBIT\n10.4\n\nThe preamble.\n\n7. REGISTRATION\n\n7.1 Demand. Text.\n"
    assert sections_of(text) == [PREAMBLE, PREAMBLE, "7", "7.1"]
