"""Notices read as counsel reads a letter before signing it (SPEC §13, issue 25): every paragraph,
table, header and footer of the DOCX and its properties read back. A letter is dated the day it
is given; a Delay Notice says what is delayed and §2(d)(y)'s advice; no letter recites its
deadline or admits lateness (counsel hears that in the reply); the field only counsel can fill
is highlighted; the piggyback and holders' notices are conditional; replies go to the §9(b)
address with its attention line; the Re: line describes the Agreement as it describes itself;
a mailed letter states the day it is given and the day it takes effect."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from conftest import ADMIN, EDITOR, Desk, cli_env, said
from docx.document import Document
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from in_process import regrights

from bot.notices.render import render_notice
from bot.wiring import build_service, open_database
from domain.rules.calendar import BusinessCalendar
from domain.rules.terms import ProfileError, load_profile, parse_profile, profile_text
from domain.services.answers import NoticeDrafted
from domain.services.replies import ExitCode, Reply

COMPANY = "nSTOR Technologies, Inc."
INVESTOR = "Pacific Technology Group, Inc."
RE_AGREEMENT = (
    f"of the Registration Rights Agreement dated as of June 7, 2002 between {COMPANY} and "
    f'{INVESTOR} (the "Agreement")'
)
REPLY_TO = f"{COMPANY}, 100 Century Blvd., West Palm Beach, FL 33417, Attn: Jack Jaiven"
# The terms the Agreement defines (§1 and where it first uses them, in quotes).
AGREEMENT_TERMS = [
    "Agreement",
    "Company",
    "Investor",
    "Demand Registration",
    "Short Form Registration",
    "Short-Form Registration",
    "Registrable Securities",
    "Registration Statement",
    "Piggyback Registration",
    "Other Registrable Securities",
    "Allowed Delay",
    "Delay Notice",
    "Requested Information",
    "Termination Date",
    "Securities Act",
    "Common Stock",
    "SEC",
    "Rule 144",
    "Rule 415",
]


@dataclass(frozen=True)
class Letter:
    """A DOCX as read back: every paragraph of the body, its tables, each section's headers and
    footers, the highlighted runs, the core properties and every part of the package."""

    body: list[str]
    tables: list[str]
    headers: list[str]
    footers: list[str]
    highlighted: list[str]
    properties: dict[str, object]
    parts: dict[str, bytes]

    @property
    def text(self) -> str:
        return "\n".join([*self.headers, *self.body, *self.tables, *self.footers])

    def paragraph(self, starting: str) -> str:
        (found,) = [p for p in self.body if p.startswith(starting)]
        return found


def read_letter(content: bytes) -> Letter:
    document: Document = docx.Document(io.BytesIO(content))
    paragraphs: list[Paragraph] = list(document.paragraphs)
    tables = [
        paragraph
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.paragraphs
    ]
    headers, footers = [], []
    for section in document.sections:
        for header in (section.header, section.first_page_header, section.even_page_header):
            headers += [p.text for p in header.paragraphs if not header.is_linked_to_previous]
        for footer in (section.footer, section.first_page_footer, section.even_page_footer):
            footers += [p.text for p in footer.paragraphs if not footer.is_linked_to_previous]
    core = document.core_properties
    names = (
        "author",
        "category",
        "comments",
        "content_status",
        "identifier",
        "keywords",
        "language",
        "last_modified_by",
        "subject",
        "title",
        "version",
    )
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    return Letter(
        body=[p.text for p in paragraphs],
        tables=[p.text for p in tables],
        headers=headers,
        footers=footers,
        highlighted=[
            run.text
            for p in [*paragraphs, *tables]
            for run in p.runs
            if run.font.highlight_color is not None
        ],
        properties={name: getattr(core, name) for name in names},
        parts=parts,
    )


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


@pytest.fixture
def desk(migrated_sqlite_url: str) -> Iterator[Desk]:
    engine = open_database(migrated_sqlite_url)
    desk = Desk(build_service(engine, frozenset({ADMIN})), date(2024, 5, 1))
    desk.ok("setup nstor-2002")
    desk.ok(f"grant <@{EDITOR}> editor")
    desk.ok("s3-eligible on 2024-01-02")
    yield desk
    engine.dispose()


@pytest.fixture
def demanded(desk: Desk) -> Desk:
    desk.ok("demand 100000 on 2024-05-01", EDITOR)
    return desk


def drafted(desk: Desk, text: str) -> tuple[Letter, Reply]:
    reply = desk.say(text)
    assert isinstance(reply.answer, NoticeDrafted), said(reply)
    return read_letter(render_notice(reply.answer.draft)), reply


# ------------------------------------------------------------- 1. dated the day it is given


def test_a_letter_is_never_backdated(demanded: Desk) -> None:
    demanded.today = date(2024, 5, 8)
    for kind in ("holders", "delay", "requested-info", "piggyback"):
        reply = demanded.say(f"notice {kind} on 2024-05-03 by mail")
        assert reply.exit_code == ExitCode.REFUSED and reply.data["section"] == "9(b)"
        assert (
            "a notice is dated the day it is given (delivered, or deposited in the mail), and "
            "2024-05-03 is before today, 2024-05-08: draft it for today or a later day"
        ) in said(reply)
    letter, _ = drafted(demanded, "notice holders by mail")
    assert long_date(date(2024, 5, 8)) in letter.body
    assert "deposited with the United States Postal Service on May 8, 2024" in letter.text
    later, _ = drafted(demanded, "notice holders on 2024-05-10 by mail")
    assert "May 10, 2024" in later.body and "May 8, 2024" not in later.text


def test_a_delay_notice_needs_the_delay_running_when_the_notice_takes_effect(
    demanded: Desk,
) -> None:
    demanded.today = date(2024, 6, 10)
    demanded.ok("delay 45", EDITOR)  # runs June 10 .. July 24, expires July 25
    demanded.today = date(2024, 6, 12)
    refused = demanded.say("notice delay on 2024-07-20 by mail")
    # Deposited Saturday July 20, it would take effect on Thursday July 25: the delay is over.
    assert refused.exit_code == ExitCode.REFUSED
    assert (
        "the Allowed Delay that began on 2024-06-10 expires on 2024-07-25, and this notice would "
        "take effect only on 2024-07-25: a Delay Notice is given of a delay still running when "
        "it takes effect"
    ) in said(refused)
    letter, _ = drafted(demanded, "notice delay on 2024-07-18 by mail")  # effective July 24
    assert "July 18, 2024" in letter.body
    assert "which began on June 10, 2024" in letter.text


# ---------------------------------------------------------------- 2. what the delay delays


def _delay_paragraphs(letter: Letter) -> tuple[str, str]:
    existence = letter.paragraph("Pursuant to Section 2(d)(x) of the Agreement")
    advice = letter.paragraph("Pursuant to Section 2(d)(y) of the Agreement")
    assert letter.body.index(existence) < letter.body.index(advice)
    assert advice.startswith(
        "Pursuant to Section 2(d)(y) of the Agreement, you are hereby advised to cease all sales "
        "or other dispositions of Registrable Securities under the Registration Statement until "
        "the expiration of the Allowed Delay."
    )
    return existence, advice


def test_a_delay_notice_of_a_delayed_filing_says_so(demanded: Desk) -> None:
    demanded.today = date(2024, 6, 10)
    demanded.ok("delay 45", EDITOR)
    letter, reply = drafted(demanded, "notice delay")
    existence, advice = _delay_paragraphs(letter)
    assert existence.endswith(
        "which began on June 10, 2024. During the Allowed Delay the Company is delaying the "
        "filing of the Registration Statement."
    )
    assert advice.endswith(
        "The Allowed Delay runs for 45 days, through July 24, 2024, and expires on July 25, 2024."
    )
    assert "may resume" not in letter.text
    assert reply.data["delayed"] == "filing"


def test_a_delay_notice_of_a_delayed_effectiveness_says_so(demanded: Desk) -> None:
    demanded.today = date(2024, 6, 3)
    demanded.ok("filed on 2024-06-03", EDITOR)
    demanded.today = date(2024, 6, 10)
    demanded.ok("delay 30", EDITOR)
    letter, reply = drafted(demanded, "notice delay")
    existence, advice = _delay_paragraphs(letter)
    assert existence.endswith(
        "During the Allowed Delay the Company is delaying the effectiveness of the Registration "
        "Statement filed with the SEC on June 3, 2024."
    )
    assert advice.endswith("and expires on July 10, 2024.")
    assert reply.data["delayed"] == "effectiveness"


def test_a_delay_notice_of_suspended_sales_says_so(demanded: Desk) -> None:
    demanded.today = date(2024, 6, 3)
    demanded.ok("filed on 2024-06-03", EDITOR)
    demanded.ok("effective on 2024-06-03", EDITOR)
    demanded.today = date(2024, 7, 1)
    demanded.ok("delay 30", EDITOR)
    letter, reply = drafted(demanded, "notice delay")
    existence, advice = _delay_paragraphs(letter)
    assert existence.endswith(
        "During the Allowed Delay the Company requires you to suspend sales and other "
        "dispositions of Registrable Securities under the effective Registration Statement."
    )
    assert advice.endswith(
        "expires on July 31, 2024, when sales and other dispositions under the Registration "
        "Statement may resume."
    )
    assert reply.data["delayed"] == "sales"


def test_only_the_reply_says_a_delay_notice_is_not_prompt(demanded: Desk) -> None:
    demanded.today = date(2024, 6, 3)  # Monday
    demanded.ok("delay 30", EDITOR)
    demanded.today = date(2024, 6, 5)  # two business days later: prompt
    letter, reply = drafted(demanded, "notice delay")
    assert reply.data["prompt"] is True and "promptly" not in said(reply)
    demanded.today = date(2024, 6, 6)  # three business days later
    late, reply = drafted(demanded, "notice delay")
    assert reply.data["prompt"] is False
    assert (
        "§2(d) requires the Delay Notice promptly: given on 2024-06-06 (Thu), it goes out 3 "
        "business days after the delay began on 2024-06-03 (Mon), more than the 2 taken as "
        "prompt; the letter does not say so."
    ) in said(reply)
    assert late.body == [p.replace("June 5, 2024", "June 6, 2024") for p in letter.body]
    for word in ("prompt", "late", "June 3, 2024 and"):
        assert word not in late.text.lower().replace("delay", "")


# ------------------------------------------- 3. no recited deadline; counsel's field highlighted


def test_a_late_requested_information_notice_neither_recites_its_deadline_nor_admits_it(
    demanded: Desk,
) -> None:
    demanded.today = date(2024, 6, 3)
    demanded.ok("filing-planned 2024-07-15", EDITOR)
    demanded.today = date(2024, 7, 5)  # due June 30: five days late
    letter, reply = drafted(demanded, "notice requested-info by mail")
    for recital in ("June 30, 2024", "15 days", "fifteen", "at least", "no later than", "late"):
        assert recital not in letter.text
    assert "[Counsel" not in letter.text
    assert letter.highlighted == [
        "[Requested Information: to be completed before this notice is sent]"
    ]
    assert "first filing on July 15, 2024" in letter.text
    assert reply.data["days_late"] == 5 and reply.data["due"] == "2024-06-30"
    assert reply.data["to_complete"] == ["the Requested Information"]
    text = said(reply)
    assert "complete the highlighted field: the Requested Information" in text
    assert (
        "Given on 2024-07-05 (Fri), this notice is 5 days after 2024-06-30 (Sun), the last day "
        "§4(a) allows; the letter does not say so."
    ) in text


def test_only_the_requested_information_notice_has_a_field_to_complete(demanded: Desk) -> None:
    demanded.today = date(2024, 5, 2)
    demanded.ok("delay 20", EDITOR)
    for kind in ("holders", "delay", "piggyback filing 2024-09-03"):
        letter, reply = drafted(demanded, f"notice {kind}")
        assert letter.highlighted == [] and reply.data["to_complete"] == []
        assert "complete the highlighted" not in said(reply)
        assert "[" not in letter.text


def test_a_late_holders_notice_does_not_show_it(demanded: Desk) -> None:
    demanded.today = date(2024, 5, 14)  # due May 11
    letter, reply = drafted(demanded, "notice holders")
    assert reply.data["days_late"] == 3
    for tell in ("May 1, 2024", "May 11, 2024", "ten days", "10 days"):
        assert tell not in letter.text
    assert "3 days after 2024-05-11 (Sat), the last day §2(a) allows" in said(reply)


# ---------------------------------------- 4. conditional notices; a piggyback beside a demand


def test_the_piggyback_notice_is_subject_to_the_underwriter_cutback(desk: Desk) -> None:
    desk.today = date(2024, 8, 1)
    desk.ok("filing-planned 2024-10-01", EDITOR)
    letter, _ = drafted(desk, "notice piggyback")
    promise = letter.paragraph("Subject to the next paragraph, the Company will include")
    cutback = letter.paragraph("If the registration is underwritten")
    assert letter.body.index(promise) + 1 == letter.body.index(cutback)
    assert (
        "the inclusion of Registrable Securities is subject to Sections 2(b)(ii), 2(b)(iii) and "
        "2(b)(iv) of the Agreement: if the managing underwriters advise the Company in writing "
        "that the number of securities requested to be included exceeds the number that can be "
        "sold in the offering without adversely affecting its marketability, the number of "
        "Registrable Securities included may be reduced"
    ) in cutback


def test_the_holders_notice_defines_what_it_uses_and_promises_nothing(demanded: Desk) -> None:
    letter, _ = drafted(demanded, "notice holders")
    body = "\n".join(letter.body)
    for term in AGREEMENT_TERMS:
        # "the Securities Act of 1933" names the statute, not the Agreement's term.
        if re.search(rf"\b{re.escape(term)}\b(?! of 1933)", body):
            assert f'"{term}")' in body, f"{term} is used and not defined"
    for undefined in ("Demand Registration", "Short-Form", "Registrable Securities"):
        assert undefined not in body
    assert f'{COMPANY} (the "Company") has received from {INVESTOR} (the "Investor")' in body
    assert "approximately 100,000 shares of its common stock" in body
    assert (
        "The Company gives this notice to comply with Section 2(a) of the Agreement; it does not "
        "by itself give you any right to have securities registered. The inclusion of any of "
        "your securities in the Registration is subject to"
    ) in body
    assert "The Registration may be delayed, and may never become effective." in body


def test_a_piggyback_notice_beside_a_pending_demand_names_the_company_registration(
    demanded: Desk,
) -> None:
    demanded.today = date(2024, 6, 3)
    demanded.ok("filing-planned 2024-08-01", EDITOR)
    refused = demanded.say("notice piggyback")
    assert refused.exit_code == ExitCode.REFUSED
    assert (
        "the registration planned for 2024-08-01 is the Investor's own Demand Registration "
        "(received 2024-05-01): a piggyback notice is for a registration the Company proposes; "
        "name the Company's registration by its anticipated filing date: \"notice piggyback "
        'filing YYYY-MM-DD"'
    ) in said(refused)
    letter, reply = drafted(demanded, "notice piggyback filing 2024-09-16 by mail")
    assert "the filing is anticipated on September 16, 2024" in letter.text
    assert reply.data["anticipated_filing"] == "2024-09-16"
    help_text = said(demanded.say("help notice"))
    assert "notice piggyback filing YYYY-MM-DD" in help_text
    assert "[filing YYYY-MM-DD]" in help_text
    for wrong, why in (
        ("notice piggyback filing 2024-06-01", "is before this notice would be given on"),
        ("notice delay filing 2024-09-16", "is for `notice piggyback` alone"),
    ):
        assert why.replace("`", '"') in said(demanded.say(wrong))


# ------------------------------------------------------------ 5. replies to the attention line


@pytest.mark.parametrize(
    "kind, where",
    [
        ("holders", "A request should be given in writing to"),
        ("requested-info", "Please furnish the Requested Information in writing to"),
        ("piggyback filing 2024-09-16", "A request should state the number"),
    ],
)
def test_every_reply_address_carries_the_attention_line(
    demanded: Desk, kind: str, where: str
) -> None:
    demanded.today = date(2024, 5, 2)
    demanded.ok("filing-planned 2024-07-15", EDITOR)
    letter, _ = drafted(demanded, f"notice {kind}")
    (asked,) = [p for p in letter.body if where in p]
    assert asked.endswith(f"in writing to {REPLY_TO}.")
    assert "address above" not in letter.text


# ------------------------------------------------- 6. the Re: line and the file's properties


@pytest.mark.parametrize(
    "kind, subject",
    [
        ("delay", "Re: Delay Notice under Section 2(d) "),
        ("holders", "Re: Notice of a proposed registration under Section 2(a) "),
        ("requested-info", "Re: Requested Information under Section 4(a) "),
        (
            "piggyback filing 2024-09-16",
            "Re: Notice of Piggyback Registration under Section 2(b)(i) ",
        ),
    ],
)
def test_the_re_line_and_the_properties_name_only_the_company(
    demanded: Desk, kind: str, subject: str
) -> None:
    demanded.today = date(2024, 5, 2)
    demanded.ok("filing-planned 2024-07-15", EDITOR)
    demanded.ok("delay 20", EDITOR)
    letter, _ = drafted(demanded, f"notice {kind}")
    assert letter.paragraph("Re: ") == subject + RE_AGREEMENT
    assert "nStor" not in letter.text and "/" not in letter.paragraph("Re: ")
    assert letter.properties == {
        "author": COMPANY,
        "category": "",
        "comments": "",
        "content_status": "",
        "identifier": "",
        "keywords": "",
        "language": "",
        "last_modified_by": "",
        "subject": "",
        "title": "",
        "version": "",
    }
    for name, part in letter.parts.items():
        assert b"python-docx" not in part.lower(), name
    assert "docProps/thumbnail.jpeg" not in letter.parts


# ----------------------------------------------------------- 7. given on deposit, effective later


def test_a_mailed_letter_states_the_day_given_and_the_day_effective(demanded: Desk) -> None:
    demanded.today = date(2024, 5, 3)
    letter, reply = drafted(demanded, "notice holders on 2024-05-10 by mail")
    assert (
        "This notice is deposited with the United States Postal Service on May 10, 2024, when it "
        "is deemed given under Section 9(b) of the Agreement, and is effective 4 business days "
        "after deposit, on May 16, 2024."
    ) in letter.body
    assert "no later than May 31, 2024" in letter.text  # 15 days from the day it takes effect
    assert (reply.data["given_on"], reply.data["effective_on"]) == ("2024-05-10", "2024-05-16")
    # Due May 11 and deposited May 10: given in time, though it takes effect later.
    assert reply.data["days_late"] == 0 and "⚠" not in said(reply)
    hand, reply = drafted(demanded, "notice holders")
    assert (
        "This notice is delivered personally on May 3, 2024, when it is deemed given under "
        "Section 9(b) of the Agreement, and is effective upon receipt."
    ) in hand.body
    assert "delivered by hand on 2024-05-03 (Fri), given and effective on receipt" in said(reply)


# ------------------------------------------------- every kind on three days, and the refusals

WEDNESDAY = date(2024, 6, 12)
FRIDAY_BEFORE_LABOR_DAY = date(2024, 8, 30)


def _everything_under_way(desk: Desk, day: date) -> None:
    desk.today = day - timedelta(days=2)
    desk.ok("demand 50000", EDITOR)
    desk.ok(f"filing-planned {day + timedelta(days=40)}", EDITOR)
    desk.today = day - timedelta(days=1)
    desk.ok("delay 30", EDITOR)
    desk.today = day


@pytest.mark.parametrize("day", [WEDNESDAY, FRIDAY_BEFORE_LABOR_DAY])
@pytest.mark.parametrize("delivery", ["hand", "mail"])
@pytest.mark.parametrize(
    "kind", ["delay", "holders", "requested-info", "piggyback filing 2024-12-02"]
)
def test_every_kind_is_drafted_on_a_weekday_and_before_a_holiday(
    desk: Desk, day: date, delivery: str, kind: str
) -> None:
    _everything_under_way(desk, day)
    letter, reply = drafted(desk, f"notice {kind} by {delivery}")
    assert long_date(day) in letter.body
    assert letter.paragraph("Re: ").endswith(RE_AGREEMENT)
    assert letter.properties["author"] == COMPANY
    assert reply.data["given_on"] == day.isoformat()
    service = letter.paragraph("This notice is ")
    if delivery == "hand":
        assert reply.data["effective_on"] == day.isoformat()
        assert service.startswith(f"This notice is delivered personally on {long_date(day)}")
        return
    effective = {WEDNESDAY: date(2024, 6, 18), FRIDAY_BEFORE_LABOR_DAY: date(2024, 9, 6)}[day]
    assert reply.data["effective_on"] == effective.isoformat()
    assert service.startswith(
        f"This notice is deposited with the United States Postal Service on {long_date(day)}, "
        f"when it is deemed given under Section 9(b) of the Agreement, and is effective 4 "
        f"business days after deposit, on {long_date(effective)}"
    )
    holiday = "(not counting Labor Day, September 2, 2024, which is not a business day)."
    assert service.endswith(holiday) == (day == FRIDAY_BEFORE_LABOR_DAY)
    assert f"effective 4 business days after deposit, on {effective.isoformat()}" in said(reply)


@pytest.mark.parametrize(
    "kind, refusal",
    [
        (
            "delay",
            "No Delay Notice drafted: under §2(d), no Allowed Delay is running on 2024-06-12, "
            'the day this notice would take effect (record "delay" first).',
        ),
        (
            "holders",
            "No Notice of Demand Registration to the other security holders drafted: under "
            "§2(a), no Demand Registration request has been received: the other holders are "
            'notified of one (record "demand" first).',
        ),
        (
            "requested-info",
            "No Requested Information notice drafted: under §4(a), no anticipated filing date "
            'is recorded (record "filing-planned DATE" first).',
        ),
        (
            "piggyback",
            "No Notice of Piggyback Registration drafted: under §2(b)(i), no registration the "
            'Company proposes is recorded: record "filing-planned DATE", or name the Company\'s '
            'registration by its anticipated filing date: "notice piggyback filing YYYY-MM-DD".',
        ),
    ],
)
def test_a_day_with_nothing_to_notify_is_refused_with_the_reason(
    desk: Desk, kind: str, refusal: str
) -> None:
    desk.today = WEDNESDAY
    reply = desk.say(f"notice {kind}")
    assert reply.exit_code == ExitCode.REFUSED
    assert said(reply) == refusal


def test_the_shell_writes_the_letter_counsel_reads(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'letters.sqlite3'}")
    today = datetime.now(ZoneInfo("America/New_York")).date()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return regrights(*args, env=env)

    assert run("cmd", "s3-eligible", "on", "2024-01-02").returncode == 0
    assert run("cmd", "demand", "1000").returncode == 0
    out = tmp_path / "holders.docx"
    yesterday = today - timedelta(days=1)
    backdated = run("notice", "holders", "on", yesterday.isoformat(), "--out", str(out))
    assert backdated.returncode == 1
    assert f"{yesterday} is before today, {today}" in backdated.stderr
    assert not out.exists()
    done = run("notice", "holders", "by", "mail", "--out", str(out))
    assert done.returncode == 0, done.stderr
    letter = read_letter(out.read_bytes())
    assert long_date(today) in letter.body and letter.properties["author"] == COMPANY


def test_the_shell_drafts_as_of_a_past_day(tmp_path: Path) -> None:
    """SPEC §12: `notice --as-of D` drafts the letter counsel would have sent on D, dated D."""
    env = cli_env(f"sqlite:///{tmp_path / 'as-of.sqlite3'}")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return regrights(*args, env=env)

    assert run("cmd", "s3-eligible", "on", "2024-01-02").returncode == 0
    assert run("cmd", "demand", "1000", "on", "2024-03-04").returncode == 0
    assert run("cmd", "--as-of", "2024-03-05", "delay", "30", "from", "2024-03-05").returncode == 0
    out = tmp_path / "delay.docx"
    expired = run("notice", "delay", "--out", str(out))  # today the delay is long over
    assert expired.returncode == 1 and not out.exists()
    done = run("notice", "delay", "--as-of", "2024-03-06", "--out", str(out))
    assert done.returncode == 0, done.stderr
    letter = read_letter(out.read_bytes())
    assert "March 6, 2024" in letter.body  # the letter's date line
    assert "and expires on April 4, 2024" in "\n".join(letter.body)


# ------------------------------------------------------------- the profile and any letter day


def test_the_profile_names_the_agreement_and_the_loader_checks_it(
    tmp_path: Path, desk: Desk
) -> None:
    assert load_profile("nstor-2002").notices.agreement_name == "Registration Rights Agreement"
    text, _ = profile_text("nstor-2002")
    named = "  agreement_name: Registration Rights Agreement\n"
    assert named in text
    for bad in ('  agreement_name: ""\n', f"  agreement_name: {'x' * 201}\n"):
        with pytest.raises(ProfileError) as raised:
            parse_profile(text.replace(named, bad))
        assert any(p.startswith("notices.agreement_name") for p in raised.value.problems)
    # A profile without it (set up before notices named the agreement) still drafts: the
    # Re: line then describes the agreement rather than naming it.
    unnamed = text.replace("id: nstor-2002", "id: unnamed").replace(named, "")
    (tmp_path / "unnamed.yaml").write_text(unnamed)
    desk.service.profile_dirs = (tmp_path,)
    desk.ok("setup unnamed")
    desk.today = date(2024, 8, 1)
    desk.ok("filing-planned 2024-10-01")
    letter, _ = drafted(desk, "notice piggyback")
    assert letter.paragraph("Re: ") == (
        "Re: Notice of Piggyback Registration under Section 2(b)(i) of the registration rights "
        f'agreement dated as of June 7, 2002 between {COMPANY} and {INVESTOR} (the "Agreement")'
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    today=st.dates(min_value=date(2024, 5, 1), max_value=date(2024, 7, 31)),
    offset=st.integers(min_value=-5, max_value=40),
    delivery=st.sampled_from(["hand", "mail"]),
)
def test_any_letter_day_is_today_or_later_and_the_letter_never_tells_its_timing(
    demanded: Desk, today: date, offset: int, delivery: str
) -> None:
    demanded.today = today
    given_on = today + timedelta(days=offset)
    reply = demanded.say(f"notice holders on {given_on} by {delivery}")
    if given_on < today:
        assert reply.exit_code == ExitCode.REFUSED
        assert f"{given_on} is before today, {today}" in said(reply)
        return
    assert isinstance(reply.answer, NoticeDrafted), said(reply)
    letter = read_letter(render_notice(reply.answer.draft))
    calendar = BusinessCalendar("US")
    effective = given_on if delivery == "hand" else calendar.add_business_days(given_on, 4)
    due = date(2024, 5, 11)  # ten days after the demand was received
    assert long_date(given_on) in letter.body
    service = letter.paragraph("This notice is ")
    assert long_date(given_on) in service and long_date(effective) in service
    assert reply.data["effective_on"] == effective.isoformat()
    assert reply.data["days_late"] == max(0, (given_on - due).days)
    if due not in {given_on, effective}:  # a letter given on its due date is dated that day
        assert long_date(due) not in letter.text
    assert not re.search(r"\blate\b", letter.text, re.IGNORECASE)
    assert (reply.data["days_late"] > 0) == ("the last day §2(a) allows" in said(reply))
