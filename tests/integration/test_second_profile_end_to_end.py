"""A business-day profile end to end, through the CLI: `cmd setup` from the profile file, a
history through `import`, then `status`, `deadlines`, `compliance`, `terms` and an alert from
`tick`. The profile (tests/fixtures/profiles/alder-2024.yaml): notice to the other holders
within 5 business days, their window 10 business days, Requested Information 10 business days
before filing, mail effective 3 calendar days after deposit, two demands, alerts at 08:30 in
Chicago 10, 5, 2 and 0 days ahead."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env
from in_process import regrights

ALDER = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "alder-2024.yaml"

# By hand, on the US federal calendar:
# - demand received Mon 2024-12-09; notice to the other holders due 5 business days later,
#   Mon 12-16 (10, 11, 12, 13, 16); mailed Fri 12-13, so met that day;
# - the mailed notice is effective 3 calendar days after deposit, Mon 12-16; the holders'
#   window closes 10 business days later, Tue 12-31 (17, 18, 19, 20, 23, 24, then Wed 25
#   Christmas Day skipped, 26, 27, 30, 31);
# - filing planned for Tue 2025-02-18: Requested Information due 10 business days before,
#   Mon 2025-02-03 (Mon 02-17 Washington's Birthday skipped: 14, 13, 12, 11, 10, 7, 6, 5, 4, 3).
DEAL = """\
# Alder Robotics / Birchwood Capital
s3-eligible on 2024-11-01
demand 400,000 on 2024-12-09
holders-notified on 2024-12-13 by mail
filing-planned 2025-02-18 on 2024-12-20
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(f"sqlite:///{tmp_path / 'alder.sqlite3'}")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return regrights(*args, env=env)


def run_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = run(env, *args)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout + done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def test_a_business_day_profile_from_setup_to_an_alert(env: dict[str, str], tmp_path: Path) -> None:
    setup = run(env, "cmd", "setup", str(ALDER))
    assert setup.returncode == 0, setup.stdout + setup.stderr
    deal = tmp_path / "deal.txt"
    deal.write_text(DEAL)
    imported = run_json(env, "import", "--json", "--as-of", "2024-12-20", str(deal))
    assert imported["recorded"] == 4

    deadlines = run_json(env, "cmd", "--json", "--as-of", "2024-12-20", "deadlines")
    assert [
        (d["kind"], d["section"], d["due"], d["days_left"]) for d in deadlines["deadlines"]
    ] == [
        ("holder_inclusion", "2.1(b)", "2024-12-31", 11),
        ("requested_info", "3.3", "2025-02-03", 45),
    ]
    record = run_json(env, "cmd", "--json", "--as-of", "2024-12-20", "compliance")
    first = record["obligations"][0]
    assert (first["kind"], first["due"], first["closed_on"], first["outcome"]) == (
        "holder_notice",
        "2024-12-16",
        "2024-12-13",
        "met",
    )

    status = run(env, "cmd", "--as-of", "2024-12-20", "status")
    assert status.returncode == 0
    assert "• 2024-12-31 (Tue) — Other holders' requests for inclusion close (§2.1(b))" in (
        status.stdout
    )
    assert "• 2025-02-03 (Mon) — Requested Information notice to the Investor (§3.3)" in (
        status.stdout
    )
    assert "of 60" in status.stdout  # the 60-day cap, in a 6-month period
    assert "last 6 months" in status.stdout

    terms = run(env, "cmd", "terms").stdout
    assert "within 5 business days after receipt of the Investor's demand" in terms
    assert "within 10 business days after their receipt of the Company's notice" in terms
    assert "at least 10 business days before the first anticipated filing date" in terms
    assert "by mail 3 days after deposit" in terms
    clocks = run_json(env, "cmd", "--json", "terms")["clocks"]
    assert {c["rule"]: c.get("business_days") for c in clocks if "days" in c}[
        "notice to other holders of a demand"
    ] is True

    # The inclusion window's 5-day alert: 08:30 in Chicago on Thu 12-26 is 14:30 UTC.
    alert = run(env, "tick", "--at", "2024-12-26T14:45:00Z")
    assert alert.returncode == 0, alert.stderr
    assert alert.stdout.count("[alert #console]") == 1
    assert "Other holders' requests for inclusion close (§2.1(b)) due 2024-12-31 (Tue)" in (
        alert.stdout
    )
    assert "5 days left" in alert.stdout


def test_a_second_demand_is_accepted_and_a_third_refused(env: dict[str, str]) -> None:
    assert run(env, "cmd", "setup", str(ALDER)).returncode == 0
    for line in [
        "s3-eligible on 2024-11-01",
        "demand 400,000 on 2024-12-09",
        "filed on 2025-02-18",
        "effective on 2025-04-01",
        "demand 150,000 on 2025-05-05",
        "filed on 2025-06-02",
        "effective on 2025-07-01",
    ]:
        done = run(env, "cmd", *line.split())
        assert done.returncode == 0, f"{line}: {done.stdout}{done.stderr}"
    third = run(env, "cmd", "--json", "demand", "10,000", "on", "2025-08-04")
    assert third.returncode == 1
    refusal = json.loads(third.stdout)
    assert refusal["section"] == "2.1(a)"
    assert "entitled to 2 Short-Form Registrations and 2 were effected" in refusal["error"]


# What counsel would fill in where the Osprey agreement did not say: its sections, the
# Termination Date's reading, the number of delays and a reason for one.
FILLED = {
    "stop_order_section": '"2(c)(i)"',
    "withdrawal_section": '"2(c)(i)"',
    "section": '"7"',
    "reading": "earliest",
    "primary_cutback_section": '"3"',
    "secondary_cutback_section": '"3"',
    "requested_basis_section": '"3"',
    "max_delays": "2",
    "i": '"a material pending transaction"',
    "misstatement_section": '"4"',
}


def test_a_drafted_business_day_profile_is_checked_set_up_and_followed(
    env: dict[str, str], tmp_path: Path
) -> None:
    agreement = Path(__file__).resolve().parents[1] / "fixtures" / "agreements" / "osprey-2010.txt"
    drafted = tmp_path / "osprey.yaml"
    assert run(env, "profile", "draft", str(agreement), "--out", str(drafted)).returncode == 0
    text = drafted.read_text()
    assert 'holder_notice: {days: 15, section: "2(b)", business_days: true}' in text
    assert run(env, "profile", "check", str(drafted)).returncode == 2  # FILL IN left
    lines = []
    for line in text.splitlines():
        key, _, value = line.strip().partition(": ")
        if value == '"FILL IN"':
            line = line.replace('"FILL IN"', FILLED[key])
        lines.append(line)
    drafted.write_text("\n".join(lines) + "\n")
    check = run(env, "profile", "check", str(drafted))
    assert check.returncode == 0, check.stderr
    assert "15: business days for the Company to notify the other holders of a demand" in (
        check.stdout
    )
    assert run(env, "cmd", "setup", str(drafted)).returncode == 0
    history = tmp_path / "osprey-deal.txt"
    history.write_text(
        "s3-eligible on 2010-06-01\n"
        "demand 1,000,000 on 2010-11-19\n"
        "holders-notified on 2010-12-10 by mail\n"
    )
    assert run_json(env, "import", "--json", "--as-of", "2010-12-20", str(history))["ok"]
    # By hand: the demand received Fri 2010-11-19; 15 business days later, Thanksgiving
    # (11-25) skipped, is Mon 12-13; the notice mailed Fri 12-10 meets it. Effective 3
    # business days after deposit, Wed 12-15; the holders' window 15 business days later,
    # skipping Christmas observed (Fri 12-24) and New Year's Day observed (Fri 12-31), closes
    # Fri 2011-01-07.
    record = run_json(env, "cmd", "--json", "--as-of", "2010-12-20", "compliance")
    assert [(o["kind"], o["due"], o["closed_on"], o["outcome"]) for o in record["obligations"]] == [
        ("holder_notice", "2010-12-13", "2010-12-10", "met"),
        ("holder_inclusion", "2011-01-07", None, "open"),
    ]
    deadlines = run_json(env, "cmd", "--json", "--as-of", "2010-12-20", "deadlines")
    assert [(d["kind"], d["due"]) for d in deadlines["deadlines"]] == [
        ("holder_inclusion", "2011-01-07")
    ]


def test_mail_effective_on_receipt_refuses_a_notice_recorded_by_mail(
    env: dict[str, str], tmp_path: Path
) -> None:
    on_receipt = tmp_path / "alder-on-receipt.yaml"
    on_receipt.write_text(ALDER.read_text().replace("mail_days: 3", "mail_effective: on_receipt"))
    assert run(env, "cmd", "setup", str(on_receipt)).returncode == 0
    assert run(env, "cmd", "s3-eligible", "on", "2024-11-01").returncode == 0
    mailed = run(env, "cmd", "--json", "demand", "1,000", "on", "2024-12-09", "by", "mail")
    assert mailed.returncode == 1
    refusal = json.loads(mailed.stdout)
    assert refusal["section"] == "8.2"
    assert "takes effect only on receipt" in refusal["error"]
    events = run_json(env, "cmd", "--json", "history", "10")["events"]
    assert [e["kind"] for e in events] == ["s3-eligible"]  # nothing recorded
    received = run(env, "cmd", "demand", "1,000", "on", "2024-12-12")
    assert received.returncode == 0, received.stdout
