"""`regrights profile draft|check`, `setup` from a profile file, and `terms` with its quotes."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ADMIN, said

from bot.cli import main
from bot.wiring import build_service, open_database
from domain.drafting.draft import CLOCK_KEYS
from domain.rules.terms import PLACEHOLDER, ProfileError, load_profile, parse_profile
from domain.services.agreement import Caller

AGREEMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "agreements"
NSTOR = AGREEMENTS / "nstor-2002.txt"
BUNDLED = Path(__file__).resolve().parents[2] / "domain" / "rules" / "profiles" / "nstor-2002.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def value_at(profile: dict[str, Any], key: str) -> Any:
    node: Any = profile
    for part in key.split("."):
        node = node[part]
    return node


def filled(path: Path) -> Path:
    """The drafted nStor profile with its one placeholder filled in as counsel would."""
    text = path.read_text()
    assert text.count(f'reading: "{PLACEHOLDER}"') == 1
    path.write_text(text.replace(f'reading: "{PLACEHOLDER}"', "reading: earliest"))
    return path


def test_draft_json_has_the_shape_of_spec_15(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "profile", "draft", str(NSTOR), "--json")
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert set(answer) == {"ok", "profile", "citations", "missing"}
    assert answer["ok"] is True
    assert answer["missing"] == ["termination.reading"]
    bundled = load_profile("nstor-2002")
    for key in CLOCK_KEYS:
        expected = bundled.value_at(key)
        got = value_at(answer["profile"], key)
        assert got == (expected.isoformat() if key == "dated" else expected), key
        assert set(answer["citations"][key]) == {"section", "quote"}


def test_draft_out_writes_the_same_profile_as_the_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "acme.yaml"
    code, out, _ = run(capsys, "profile", "draft", str(NSTOR), "--out", str(out_file), "--json")
    assert code == 0
    answer = json.loads(out)
    written = yaml.safe_load(out_file.read_text())
    citations = written.pop("citations")
    assert citations == answer["citations"]
    assert json.loads(json.dumps(written, default=str)) == answer["profile"]
    # Each value is commented with the clause it comes from.
    text = out_file.read_text()
    assert '# §2(a)(ii)(F): "such registration does not become effective within one hundred' in text


def test_check_refuses_a_draft_until_its_placeholders_are_filled(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "nstor.yaml"
    assert run(capsys, "profile", "draft", str(NSTOR), "--out", str(out_file))[0] == 0
    code, out, err = run(capsys, "profile", "check", str(out_file))
    assert code == 2 and out == ""
    assert "termination.reading: still 'FILL IN'" in err
    code, out, err = run(capsys, "profile", "check", str(filled(out_file)))
    assert (code, err) == (0, "")
    assert (
        "180: days after filing to become effective, or not deemed effected (§2(a)(ii)(F))" in out
    )
    assert '    "such registration does not become effective within one hundred eighty' in out
    assert "4: business days after deposit, a mailed notice takes effect (§9(b))" in out


def test_check_shows_the_bundled_profiles_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profile", "check", str(BUNDLED))
    assert code == 0
    assert "(no quote" not in out
    assert "At least fifteen (15) days prior to the first anticipated filing date" in out


def test_business_day_clocks_and_each_mail_rule_are_accepted_and_one_mail_rule_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = BUNDLED.read_text()
    business = text.replace(
        "holder_notice: {days: 10, section: 2(a)}",
        "holder_notice: {days: 10, section: 2(a), business_days: true}",
    )
    assert parse_profile(business).demand.holder_notice.business_days
    path = tmp_path / "business.yaml"
    path.write_text(business)
    code, out, _ = run(capsys, "profile", "check", str(path))
    assert code == 0
    assert (
        "10: business days for the Company to notify the other holders of a demand (§2(a))" in out
    )
    calendar_mail = text.replace("mail_business_days: 4", "mail_days: 3")
    assert parse_profile(calendar_mail).notices.mail_rule == "3 days after deposit"
    on_receipt = text.replace("mail_business_days: 4", "mail_effective: on_receipt")
    assert parse_profile(on_receipt).notices.mail_rule == "on receipt"
    both = text.replace("mail_business_days: 4", "mail_business_days: 4\n  mail_days: 3")
    with pytest.raises(ProfileError, match=r"notices: say in one way when a mailed notice"):
        parse_profile(both)
    with pytest.raises(ProfileError, match=r"notices\.mail_effective"):
        parse_profile(text.replace("mail_business_days: 4", "mail_effective: on_deposit"))


def test_a_citation_must_name_a_field_of_the_profile() -> None:
    text = BUNDLED.read_text() + "  demand.no_such_clock:\n    section: 2(a)\n    quote: x\n"
    with pytest.raises(ProfileError, match=r"citations\.demand\.no_such_clock: no such field"):
        parse_profile(text)


def test_decimal_section_numbers_are_section_references() -> None:
    text = BUNDLED.read_text().replace("{days: 15, section: 4(a)}", "{days: 15, section: 4.1(b)}")
    assert parse_profile(text).requested_information.section == "4.1(b)"


def _docx(text: str, path: Path) -> Path:
    from docx import Document

    document = Document()
    for block in text.split("\n\n"):
        if block.strip():
            document.add_paragraph(" ".join(block.split()))
    document.save(str(path))
    return path


def _pdf(text: str, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    lines = text.splitlines()
    with (
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(str(path)) as pdf,
    ):
        for start in range(0, len(lines), 60):
            figure = plt.figure(figsize=(8.5, 11))
            for row, line in enumerate(lines[start : start + 60]):
                figure.text(0.05, 0.97 - row * 0.0155, line, family="monospace", fontsize=7)
            pdf.savefig(figure)
            plt.close(figure)
    return path


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_word_and_pdf_agreements_give_what_the_text_gives(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    text = NSTOR.read_text()
    make = _docx if kind == "docx" else _pdf
    document = make(text, tmp_path / f"nstor.{kind}")
    code, out, err = run(capsys, "profile", "draft", str(document), "--json")
    assert (code, err) == (0, "")
    from_document = json.loads(out)
    code, out, _ = run(capsys, "profile", "draft", str(NSTOR), "--json")
    from_text = json.loads(out)
    assert from_document["profile"] == from_text["profile"]
    assert from_document["missing"] == from_text["missing"]
    assert from_document["citations"].keys() == from_text["citations"].keys()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agreement.doc", b"old Word", "not an agreement file regrights reads"),
        ("agreement.docx", b"not a zip", "not a Word (.docx) document"),
        ("agreement.pdf", b"%PDF-1.4 broken", "not a readable PDF"),
        ("absent.txt", None, "cannot be read"),
    ],
)
def test_an_unreadable_agreement_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "profile", "draft", str(path))
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_setup_takes_a_drafted_profile_file_and_terms_quotes_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGRIGHTS_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for name in [k for k in os.environ if k.startswith(("SLACK_", "REGRIGHTS_PROFILES"))]:
        monkeypatch.delenv(name)
    draft = tmp_path / "nstor-drafted.yaml"
    assert run(capsys, "profile", "draft", str(NSTOR), "--out", str(draft))[0] == 0
    code, out, err = run(capsys, "cmd", "setup", str(draft))
    assert code == 2 and "termination.reading: still 'FILL IN'" in out + err
    code, out, err = run(capsys, "cmd", "setup", str(filled(draft)))
    assert (code, err) == (0, "")
    assert '"nstor-technologies-2002"' in out
    code, out, _ = run(capsys, "cmd", "terms")
    assert code == 0
    assert "In the agreement's words:" in out
    assert "“such registration does not become effective within one hundred eighty (180)" in out
    code, out, _ = run(capsys, "cmd", "--json", "terms")
    cited = {c["key"]: c for c in json.loads(out)["citations"]}
    assert cited["allowed_delay.max_days"]["section"] == "2(d)"


def test_slack_cannot_name_a_file_on_the_bots_machine(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'slack.sqlite3'}")
    service = build_service(engine, frozenset({ADMIN}))
    caller = Caller(user=ADMIN, channel="CDEALS", source="slack", now=datetime.now(UTC))
    reply = service.handle(f"setup {BUNDLED}", caller)
    assert not reply.ok
    assert "set up from the command line" in said(reply)
    assert service.handle("setup nstor-2002", caller).ok
    engine.dispose()
