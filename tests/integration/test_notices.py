"""Notices drafted from a realistic history: each kind's text read back from the DOCX (parties,
§9(b) addresses, section, the computed dates, delivery and when it is deemed given), a Delay
Notice that never states the reason, and refusals of notices of what has not happened."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from conftest import ADMIN, CHANNEL, EDITOR, READER, Desk, cli_env
from hypothesis import given, settings
from hypothesis import strategies as st
from in_process import regrights

from bot.notices.render import notice_filename, render_notice
from bot.render.answers import render
from domain.rules.calendar import BusinessCalendar, Delivery
from domain.rules.notices import NoticeDraft, NoticeKind, effective_with_holidays
from domain.rules.terms import ProfileError, load_profile, parse_profile, profile_text
from domain.services.answers import NoticeDrafted
from domain.services.replies import ExitCode

REASONS = load_profile("nstor-2002").allowed_delay.reasons
COMPANY = ["nSTOR Technologies, Inc.", "100 Century Blvd.", "West Palm Beach, FL 33417"]
INVESTOR = [
    "Pacific Technology Group, Inc.",
    "2740 No. Dallas Parkway",
    "Plano, Texas 75093",
    "Attn: Gary Leonard",
]


def _draft(desk: Desk, text: str, user: str = ADMIN) -> NoticeDraft:
    reply = desk.say(text, user)
    assert isinstance(reply.answer, NoticeDrafted), render(reply.answer)
    return reply.answer.draft


def _draft_text(desk: Desk, kind: NoticeKind, user: str = ADMIN, options: str = "") -> str:
    draft = _draft(desk, f"notice {kind.value} {options}", user)
    document = docx.Document(io.BytesIO(render_notice(draft)))
    return "\n".join(p.text for p in document.paragraphs)


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _has_block(text: str, block: list[str]) -> bool:
    lines = _lines(text)
    return any(lines[i : i + len(block)] == block for i in range(len(lines)))


@pytest.fixture
def demanded(desk: Desk) -> Desk:
    desk.today = date(2024, 5, 1)
    desk.ok("s3-eligible on 2024-01-02")
    desk.ok("demand 100000 on 2024-05-01", EDITOR)
    return desk


def test_holders_notice_by_mail_names_the_holiday_that_moved_it(demanded: Desk) -> None:
    demanded.today = date(2024, 5, 3)
    text = _draft_text(demanded, NoticeKind.HOLDERS, options="on 2024-05-24 by mail")
    assert _has_block(text, COMPANY)
    assert _has_block(text, ["With a copy to:", *INVESTOR])
    assert "May 24, 2024" in _lines(text)
    assert "By registered mail, return receipt requested" in _lines(text)
    assert "Notice of a proposed registration under Section 2(a)" in text
    assert "dated as of June 7, 2002" in text
    assert "approximately 100,000 shares of its common stock" in text
    # Deposited Friday May 24; Monday May 27 is Memorial Day: the 4th business day after is
    # Friday May 31, and the other holders' 15 days run from then, to June 15.
    assert (
        "deposited with the United States Postal Service on May 24, 2024, when it is deemed "
        "given under Section 9(b) of the Agreement, and is effective 4 business days after "
        "deposit, on May 31, 2024 (not counting Memorial Day, May 27, 2024, which is not a "
        "business day)."
    ) in text
    assert (
        "within 15 days after your receipt of this notice, that is, no later than June 15, 2024"
        in text
    )


def test_holders_notice_by_hand_is_effective_on_receipt(demanded: Desk) -> None:
    demanded.today = date(2024, 5, 6)
    text = _draft_text(demanded, NoticeKind.HOLDERS)
    assert "By hand delivery" in _lines(text)
    assert "delivered personally on May 6, 2024, when it is deemed given" in text
    assert "and is effective upon receipt." in text
    assert "no later than May 21, 2024" in text


def test_the_reply_warns_when_the_holders_notice_would_be_late(demanded: Desk) -> None:
    # Due May 11 (10 days after receipt): a duty to give is met on deposit (SPEC §12), so
    # deposited May 9 it is in time though it takes effect May 15; deposited May 13, it is late.
    demanded.today = date(2024, 5, 9)
    reply = demanded.say("notice holders by mail")
    assert reply.ok and reply.data["effective_on"] == "2024-05-15"
    assert reply.data["days_late"] == 0 and "allows" not in render(reply.answer)
    demanded.today = date(2024, 5, 13)
    reply = demanded.say("notice holders by mail")
    assert reply.data["days_late"] == 2
    assert "2 days after 2024-05-11 (Sat), the last day §2(a) allows" in render(reply.answer)


def test_requested_information_notice(demanded: Desk) -> None:
    demanded.today = date(2024, 6, 3)
    demanded.ok("filing-planned 2024-07-15", EDITOR)
    text = _draft_text(demanded, NoticeKind.REQUESTED_INFO)
    assert _has_block(text, INVESTOR)
    assert "Requested Information under Section 4(a)" in text
    assert "which the Company anticipates first filing on July 15, 2024." in text
    assert "June 30, 2024" not in text and "15 days" not in text
    assert "and is effective upon receipt." in text


def test_piggyback_notice_for_a_registration_the_company_proposes(desk: Desk) -> None:
    desk.today = date(2024, 8, 1)
    desk.ok("filing-planned 2024-10-01", EDITOR)
    text = _draft_text(desk, NoticeKind.PIGGYBACK, options="on 2024-08-28 by mail")
    assert _has_block(text, INVESTOR)
    assert "Notice of Piggyback Registration under Section 2(b)(i)" in text
    assert "the filing is anticipated on October 1, 2024" in text
    # Deposited Wed Aug 28; Labor Day is Mon Sep 2: effective Wed Sep 4, window to Sep 24.
    assert "on September 4, 2024 (not counting Labor Day, September 2, 2024" in text
    assert (
        "within 20 days after your receipt of this notice, that is, no later than September 24, 2024"
        in text
    )


@pytest.mark.parametrize("reason", sorted(REASONS))
@pytest.mark.parametrize("asker", [ADMIN, EDITOR, READER])
def test_a_delay_notice_states_the_delay_never_its_reason(
    demanded: Desk, reason: str, asker: str
) -> None:
    demanded.today = date(2024, 6, 10)
    demanded.ok(f"delay 45 reason {reason}", EDITOR)
    demanded.today = date(2024, 6, 12)
    text = _draft_text(demanded, NoticeKind.DELAY, asker)
    reply = demanded.say("notice delay", asker)
    assert _has_block(text, INVESTOR)
    assert "Delay Notice under Section 2(d)" in text
    assert "Pursuant to Section 2(d)(x) of the Agreement" in text
    assert "existence of an Allowed Delay, which began on June 10, 2024" in text
    assert "cease all sales or other dispositions of Registrable Securities" in text
    assert "runs for 45 days, through July 24, 2024, and expires on July 25, 2024" in text
    assert "delaying the filing of the Registration Statement" in text
    for said in (text, render(reply.answer), str(reply.data)):
        assert REASONS[reason].lower() not in said.lower()
        assert "reason" not in said.lower()
        assert f"2(d)({reason})" not in said


def test_a_delay_notice_follows_an_extension(demanded: Desk) -> None:
    demanded.today = date(2024, 6, 10)
    demanded.ok("delay 30 reason ii", EDITOR)
    demanded.today = date(2024, 6, 20)
    demanded.ok("delay extend 10", EDITOR)
    text = _draft_text(demanded, NoticeKind.DELAY)
    assert "runs for 40 days, through July 19, 2024, and expires on July 20, 2024" in text


@pytest.mark.parametrize(
    "setup, kind, section, why",
    [
        ([], "delay", "2(d)", "no Allowed Delay is running on 2024-07-01"),
        ([], "piggyback", "2(b)(i)", "no registration the Company proposes is recorded"),
        (
            ["demand 1000 on 2024-05-01", "delay 10 from 2024-05-02", "delay end on 2024-05-05"],
            "delay",
            "2(d)",
            "no Allowed Delay is running on 2024-07-01",
        ),
        ([], "holders", "2(a)", "no Demand Registration request has been received"),
        ([], "requested-info", "4(a)", "no anticipated filing date is recorded"),
        (
            ["filing-planned 2024-08-01", "filed"],
            "requested-info",
            "4(a)",
            "already filed on 2024-07-01",
        ),
        (
            ["demand 1000 on 2024-05-01", "filing-planned 2024-08-01"],
            "piggyback",
            "2(b)(i)",
            "is the Investor's own Demand Registration",
        ),
        (
            ["demand 1000 on 2024-05-01", "withdrawn on 2024-06-03"],
            "holders",
            "2(a)",
            "the demand received 2024-05-01 is no longer pending",
        ),
        (
            ["demand 1000 on 2024-05-01", "terminated sold-all on 2024-06-01"],
            "holders",
            "2(a)(i)",
            "the Termination Date was 2024-06-01",
        ),
    ],
)
def test_a_notice_of_what_has_not_happened_is_refused(
    desk: Desk, setup: list[str], kind: str, section: str, why: str
) -> None:
    desk.today = date(2024, 7, 1)
    desk.ok("s3-eligible on 2024-01-02")
    for line in setup:
        desk.ok(line)
    reply = desk.say(f"notice {kind}")
    assert not reply.ok and reply.exit_code == ExitCode.REFUSED
    assert reply.data["section"] == section
    assert why in reply.data["error"]
    assert f"under §{section}" in render(reply.answer)


def test_a_notice_is_malformed_without_its_kind(desk: Desk) -> None:
    for text in ("notice", "notice lunch", "notice delay by pigeon", "notice delay on 2024-13-01"):
        reply = desk.say(text)
        assert reply.exit_code == 2 and "notice delay|holders" in render(reply.answer)


# --------------------------------------------------------------- §9(b) and the profile


def test_the_profile_holds_the_addresses_of_9b() -> None:
    addresses = load_profile("nstor-2002").notices.addresses
    assert addresses is not None
    assert addresses.company.lines == ["100 Century Blvd.", "West Palm Beach, FL 33417"]
    assert addresses.company.attention == "Jack Jaiven"
    assert addresses.investor.lines == ["2740 No. Dallas Parkway", "Plano, Texas 75093"]
    assert addresses.investor.attention == "Gary Leonard"


@pytest.mark.parametrize(
    "replacement, field",
    [
        ('lines: ["100 Century Blvd.", ""]', "notices.addresses.company.lines"),
        ("lines: []", "notices.addresses.company.lines"),
        ('lines: ["100 Century Blvd."]\n      fax: "555"', "notices.addresses.company.fax"),
    ],
)
def test_bad_addresses_are_named(replacement: str, field: str) -> None:
    text, _ = profile_text("nstor-2002")
    bad = text.replace('lines: ["100 Century Blvd.", "West Palm Beach, FL 33417"]', replacement)
    assert bad != text
    with pytest.raises(ProfileError) as raised:
        parse_profile(bad)
    assert any(problem.startswith(field) for problem in raised.value.problems)


def test_a_profile_without_addresses_refuses_notices_citing_9b(tmp_path: Path, desk: Desk) -> None:
    text, _ = profile_text("nstor-2002")
    start = text.index("  # The addresses of §9(b)")
    end = text.index("demand:")
    (tmp_path / "bare.yaml").write_text(
        text[:start].replace("id: nstor-2002", "id: bare") + "\n" + text[end:]
    )
    desk.service.profile_dirs = (tmp_path,)
    desk.ok("setup bare")
    desk.today = date(2024, 8, 1)
    desk.ok("filing-planned 2024-10-01")
    reply = desk.say("notice piggyback")
    assert reply.data["section"] == "9(b)" and "gives no addresses" in reply.data["error"]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=10),
)
def test_a_mailed_notice_takes_effect_on_the_nth_business_day(deposit: date, n: int) -> None:
    calendar = BusinessCalendar("US")
    notices = replace(load_profile("nstor-2002").notices, mail_business_days=n)
    effective, holidays = effective_with_holidays(notices, deposit, Delivery.MAIL)
    between = [deposit + timedelta(days=k) for k in range(1, (effective - deposit).days + 1)]
    assert sum(calendar.is_business_day(d) for d in between) == n
    assert n == 0 or calendar.is_business_day(effective)
    assert [h.day for h in holidays] == [
        d for d in between if d.weekday() < 5 and calendar.is_holiday(d)
    ]
    assert effective_with_holidays(notices, deposit, Delivery.HAND) == (deposit, ())


# --------------------------------------------------------- templates and the shell


def test_a_firm_template_replaces_the_bundled_one(tmp_path: Path, demanded: Desk) -> None:
    letterhead = docx.Document()
    letterhead.add_paragraph("SMITH & JONES LLP")
    letterhead.add_paragraph("{{ investor_name }}: an Allowed Delay began on {{ delay_start }}.")
    letterhead.save(tmp_path / "delay.docx")
    demanded.today = date(2024, 6, 10)
    demanded.ok("delay 30 reason i", EDITOR)
    draft = _draft(demanded, "notice delay")
    document = docx.Document(io.BytesIO(render_notice(draft, tmp_path)))
    assert [p.text for p in document.paragraphs] == [
        "SMITH & JONES LLP",
        "Pacific Technology Group, Inc.: an Allowed Delay began on June 10, 2024.",
    ]
    assert notice_filename(draft) == "delay-notice-2024-06-10.docx"
    # Only the kinds the folder has are replaced.
    holders = _draft(demanded, "notice holders")
    assert "Notice of a proposed registration" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(render_notice(holders, tmp_path))).paragraphs
    )


def test_notice_from_the_shell(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'notice.sqlite3'}")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return regrights(*args, env=env)

    out = tmp_path / "delay.docx"
    refused = run("notice", "delay", "--out", str(out))
    assert refused.returncode == 1 and "under §2(d)" in refused.stderr
    assert not out.exists()
    assert run("notice", "lunch", "--out", str(out)).returncode == 2
    assert run("notice", "delay", "--out", str(tmp_path / "delay.txt")).returncode == 2
    assert run("cmd", "s3-eligible", "on", "2024-01-02").returncode == 0
    assert run("cmd", "demand", "1000", "on", "2024-05-01").returncode == 0
    assert run("cmd", "delay", "30").returncode == 0
    done = run("notice", "delay", "by", "mail", "--channel", "console", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f'as "{out}"' in done.stdout
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "existence of an Allowed Delay" in text and "registered mail" in text
    missing = run("notice", "delay", "--out", str(tmp_path / "no" / "such" / "d.docx"))
    assert missing.returncode == 2 and "cannot write" in missing.stderr
    assert CHANNEL not in text
