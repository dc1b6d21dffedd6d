"""A profile drafted from an agreement's text: every value found with its citation, a
placeholder wherever the agreement did not say, and the list of what is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.drafting import clauses
from domain.drafting.delays import delay_caps
from domain.drafting.found import Found, section_where
from domain.drafting.mail import mail_effective, mail_on_receipt
from domain.drafting.parties import (
    INVESTOR_TERMS,
    Address,
    agreement_date,
    notice_addresses,
    party,
)
from domain.drafting.sections import Passage, ancestors, split_sections
from domain.drafting.sentences import sentences
from domain.rules.terms import PLACEHOLDER

# The keys SPEC §15 says every draft tries to fill, in the order a reader meets them.
CLOCK_KEYS = (
    "dated",
    "company",
    "investor",
    "notices.mail_business_days",
    "demand.demands_allowed",
    "demand.holder_notice.days",
    "demand.holder_inclusion.days",
    "demand.effectiveness.days",
    "piggyback.request.days",
    "allowed_delay.max_days",
    "allowed_delay.max_delays",
    "allowed_delay.period_months",
    "requested_information.days",
)
# Settings of the bot, not terms of the agreement: chosen here, said so in the file.
SETTINGS_NOTES = {
    "timezone": "not a term of the agreement: the SEC's (EDGAR's) business day is Eastern "
    "time; change it to where the deal is run",
    "notices.holiday_calendar": "the holidays that are not business days: US federal "
    "holidays, on which the SEC is closed",
    "alerts": "when regrights posts reminders before each deadline (days before, and the time)",
    "id": "the profile's id, from the Company's name and the agreement's year",
}

_NOTICES_HEADING = re.compile(r"^\s*Notices?\b", re.I)
_ELIGIBILITY = re.compile(r"(?:Form S-3|Short-Form).{0,80}eligib", re.I)
_STOP_ORDER = re.compile(r"stop order", re.I)
_WITHDRAWAL = re.compile(r"withdraw", re.I)
_TERMINATION = re.compile(r"\"Termination Date\"|\"Effectiveness Period\"")
_PRIMARY = re.compile(r"underwritten primary|primary registration", re.I)
_SECONDARY = re.compile(r"underwritten secondary|secondary registration", re.I)
_BY_REQUESTED = re.compile(r"pro[ -]rata[^.]{0,40}(?:upon|on) the number[^.]{0,80}requested", re.I)
_ON_NOTICE = re.compile(r"upon receipt of (?:any |a |such )?(?:written )?notice", re.I)
_HALT = re.compile(r"discontinue (?:the )?disposition|cease (?:all )?(?:sales|dispositions)", re.I)
_HALT_MARKER = re.compile(
    r"\((\w)\)\s*(?:advise|direct|require|instruct)[^.]{0,80}(?:cease|suspend|discontinue)", re.I
)
_GROUND_LEAD = re.compile(r"^the Company (?:believes|determines)(?: in good faith)?(?: that)? ")
_REFERENCES = re.compile(
    r"Sections?\s*((?:\d+(?:\.\d+)*(?:\(\w+\))*(?:,\s*|\s+or\s+|\s+and\s+)?)+)"
)


@dataclass
class Draft:
    profile: dict[str, Any]
    citations: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "profile": _plain(self.profile),
            "citations": self.citations,
            "missing": self.missing,
        }


def draft_profile(text: str) -> Draft:
    passages = split_sections(text)
    builder = _Builder(Draft(profile={}))
    builder.parties(passages, text)
    builder.notices(passages)
    builder.demand(passages)
    builder.termination(passages)
    builder.piggyback(passages)
    builder.allowed_delay(passages)
    builder.clock("requested_information", clauses.requested_information(passages))
    builder.sales_suspension(passages)
    builder.set("alerts", {"lead_days": [14, 7, 3, 1, 0], "at": "09:00"})
    builder.draft.notes["alerts"] = SETTINGS_NOTES["alerts"]
    draft = builder.draft
    draft.profile = _ordered(draft.profile)
    return draft


class _Builder:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft

    def set(self, key: str, value: Any) -> None:
        node = self.draft.profile
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    def cite(self, key: str, found: Found) -> None:
        self.draft.citations[key] = {"section": found.section, "quote": found.quote}

    def value(self, key: str, found: Found | None, why: str = "") -> None:
        if found is None:
            self.missing(key, why)
            return
        self.set(key, found.value)
        self.cite(key, found)

    def missing(self, key: str, why: str = "") -> None:
        self.set(key, PLACEHOLDER)
        self.draft.missing.append(key)
        if why:
            self.draft.notes[key] = why

    def section(self, key: str, section: str | None, why: str) -> None:
        if section is None:
            self.missing(key, why)
        else:
            self.set(key, section)

    def clock(self, key: str, found: Found | None) -> None:
        if found is None:
            self.set(key, {"days": PLACEHOLDER, "section": PLACEHOLDER})
            self.draft.missing.append(f"{key}.days")
            self.draft.notes[f"{key}.days"] = "no sentence of the agreement sets this clock"
            return
        clock: dict[str, Any] = {"days": found.value, "section": found.section}
        if found.business_days:
            clock["business_days"] = True
        self.set(key, clock)
        self.cite(f"{key}.days", found)

    # ----------------------------------------------------------------- the agreement's parts

    def parties(self, passages: list[Passage], text: str) -> None:
        dated = agreement_date(passages)
        self.value("dated", dated, "the preamble gives no date the agreement is dated as of")
        company = party(passages, text, ("Company", "Issuer"))
        investor = party(passages, text, INVESTOR_TERMS)
        if company and investor and investor.value == company.value:
            investor = None  # one name read for both parties: a misreading, not a party
        self.value("company", company, "the preamble defines no single party as the Company")
        self.value("investor", investor, "the preamble defines no single party as the holder")
        year = dated.value.year if dated and isinstance(dated.value, date) else None
        if company:
            slug = re.sub(r"[^a-z0-9]+", "-", str(company.value).split(",")[0].lower()).strip("-")
            slug = "-".join(slug.split("-")[:2])[:40] or "agreement"
            self.set("id", f"{slug}-{year}" if year else slug)
        else:
            self.set("id", f"agreement-{year}" if year else "agreement")
        self.draft.notes["id"] = SETTINGS_NOTES["id"]
        names = " / ".join(str(p.value) for p in (company, investor) if p is not None)
        title = f"{names} Registration Rights Agreement".strip()
        self.set("title", title)
        self.set("timezone", "America/New_York")
        self.draft.notes["timezone"] = SETTINGS_NOTES["timezone"]

    def notices(self, passages: list[Passage]) -> None:
        mail = mail_effective(passages)
        on_receipt = mail_on_receipt(passages) if mail is None else None
        clause = mail or on_receipt
        section = clause.section if clause else section_where(passages, _NOTICES_HEADING)
        self.section("notices.section", section, "no section says how notices are given")
        if mail is not None and mail.business_days:
            self.value("notices.mail_business_days", mail)
        elif mail is not None:
            self.value("notices.mail_days", mail)
        elif on_receipt is not None:
            self.set("notices.mail_effective", "on_receipt")
            self.cite("notices.mail_effective", on_receipt)
            self.draft.notes["notices.mail_effective"] = (
                "a mailed notice takes effect only on receipt: regrights refuses a notice "
                "recorded `by mail` under this profile; record it on the day it was received"
            )
        else:
            self.missing(
                "notices.mail_business_days",
                "no sentence says when a mailed notice takes effect",
            )
        self.set("notices.holiday_calendar", "US")
        self.draft.notes["notices.holiday_calendar"] = SETTINGS_NOTES["notices.holiday_calendar"]
        names = {
            role: str(self.draft.profile.get(role, ""))
            for role in ("company", "investor")
            if self.draft.profile.get(role) != PLACEHOLDER
        }
        addresses = notice_addresses(passages, names)
        if len(addresses) == 2:
            for role, found in addresses.items():
                assert isinstance(found.value, Address)
                entry: dict[str, Any] = {"lines": found.value.lines}
                if found.value.attention:
                    entry["attention"] = found.value.attention
                self.set(f"notices.addresses.{role}", entry)
                self.cite(f"notices.addresses.{role}", found)
        else:
            self.draft.notes["notices.addresses"] = (
                "the notices clause gives no address for each party: left out"
            )

    def demand(self, passages: list[Passage]) -> None:
        notice = clauses.holder_notice(passages)
        count = clauses.demands_allowed(passages)
        main = notice.section if notice else (count.section if count else None)
        self.section("demand.section", main, "no section grants a demand registration")
        eligibility = count.section if count else None
        if eligibility is None:
            eligibility = section_where(passages, _ELIGIBILITY)
        self.section(
            "demand.eligibility_section", eligibility, "no section says when a demand may be made"
        )
        self.value("demand.demands_allowed", count, "no sentence says how many demands in all")
        self.clock("demand.holder_notice", notice)
        self.clock("demand.holder_inclusion", clauses.holder_inclusion(passages))
        not_effected = section_where(passages, clauses.NOT_EFFECTED)
        self.section(
            "demand.not_effected_section",
            not_effected,
            "no section says when a registration is not deemed effected",
        )
        self.clock("demand.effectiveness", clauses.effectiveness(passages))
        under = [p for p in passages if not_effected and not_effected in ancestors(p.section)]
        for key, pattern, what in (
            ("demand.stop_order_section", _STOP_ORDER, "a stop order"),
            ("demand.withdrawal_section", _WITHDRAWAL, "the holder's withdrawal"),
        ):
            found = section_where(under, pattern)
            self.section(key, found, f"no clause of the not-effected section names {what}")

    def termination(self, passages: list[Passage]) -> None:
        section = section_where(passages, _TERMINATION)
        self.section("termination.section", section, "no section defines a Termination Date")
        text = next((p.text for p in passages if p.section == section), "")
        earliest = bool(re.search(r"\bearlie(?:st|r)\b", text))
        latest = bool(re.search(r"\blat(?:est|er)\b(?! than)", text))
        if earliest != latest:
            self.set("termination.reading", "earliest" if earliest else "latest")
        else:
            self.missing(
                "termination.reading",
                "the definition says both earliest and latest, or neither: counsel decides",
            )

    def piggyback(self, passages: list[Passage]) -> None:
        self.clock("piggyback.request", clauses.piggyback_request(passages))
        pool = [p for p in passages if clauses.PIGGYBACK.search(p.text)]
        for key, pattern, what in (
            ("primary_cutback_section", _PRIMARY, "a primary registration cut back"),
            ("secondary_cutback_section", _SECONDARY, "a secondary registration cut back"),
            ("requested_basis_section", _BY_REQUESTED, "a cut back by shares requested"),
        ):
            found = section_where(pool, pattern)
            self.section(f"piggyback.{key}", found, f"no piggyback clause for {what}")

    def allowed_delay(self, passages: list[Passage]) -> None:
        caps = delay_caps(passages)
        section = next(
            (f.section for f in (caps.max_days, caps.max_delays, caps.period_months) if f), None
        )
        self.section("allowed_delay.section", section, "no section lets the Company delay")
        self.value(
            "allowed_delay.max_days",
            caps.max_days,
            "no cap on delay days in calendar days within a stated period",
        )
        self.value(
            "allowed_delay.max_delays",
            caps.max_delays,
            "no cap on how many delays may begin in a stated period",
        )
        self.value(
            "allowed_delay.period_months",
            caps.period_months,
            "the period is not stated in months (a 365-day period or a calendar year is not "
            "twelve months to the day)",
        )
        text = next((p.text for p in passages if p.section == section), "")
        reasons = _reasons(text)
        self.set("allowed_delay.reasons", reasons or {"i": PLACEHOLDER})
        if not reasons:
            self.draft.missing.append("allowed_delay.reasons.i")

    def sales_suspension(self, passages: list[Passage]) -> None:
        section = section_where(passages, _ON_NOTICE, _HALT)
        self.section(
            "sales_suspension.section", section, "no section stops the holder's sales on notice"
        )
        text = next((p.text for p in passages if p.section == section), "")
        referred = _referred_sections(text)
        by_section = {p.section: p.text for p in passages}
        for key, pattern, what in (
            ("misstatement_section", r"untrue statement", "a misstatement"),
            ("stop_order_section", r"stop order", "a stop order"),
        ):
            found = next(
                (s for s in referred if re.search(pattern, by_section.get(s, ""), re.I)), None
            )
            self.section(f"sales_suspension.{key}", found, f"the section names no notice of {what}")
        delay_section = self.draft.profile.get("allowed_delay", {}).get("section")
        if delay_section and delay_section != PLACEHOLDER:
            delay_text = by_section.get(delay_section, "")
            marker = _HALT_MARKER.search(delay_text)
            self.set(
                "sales_suspension.delay_section",
                f"{delay_section}({marker.group(1)})" if marker else delay_section,
            )
        else:
            self.missing("sales_suspension.delay_section", "no Allowed Delay section was found")


def _reasons(text: str) -> dict[str, str]:
    """The grounds of a delay, `(i) ... (ii) ...`, from the sentence that lists them."""
    for sentence in sentences(text):
        if not re.search(r"\(i\)[^.]*\(ii\)", sentence):
            continue
        parts = re.split(r"\((i|ii|iii|iv|v|vi|vii)\)\s*", sentence)
        reasons = {}
        for label, body in zip(parts[1::2], parts[2::2], strict=True):
            body = re.split(r"\s*\((?:each|collectively|such)|;|\s+or\s*$", body)[0]
            body = _GROUND_LEAD.sub("", body).strip(" ,;")
            if body:
                reasons[label] = body[:117] + "..." if len(body) > 120 else body
        if len(reasons) >= 2:
            return reasons
    return {}


def _referred_sections(text: str) -> list[str]:
    """`Section 3(e) or 3(f)` -> [`3(e)`, `3(f)`]."""
    found = []
    for match in _REFERENCES.finditer(text):
        found += re.findall(r"\d+(?:\.\d+)*(?:\(\w+\))*", match.group(1))
    return found


_ORDER = [
    "id",
    "title",
    "dated",
    "company",
    "investor",
    "timezone",
    "notices",
    "demand",
    "termination",
    "piggyback",
    "allowed_delay",
    "requested_information",
    "sales_suspension",
    "alerts",
]


def _ordered(profile: dict[str, Any]) -> dict[str, Any]:
    return {key: profile[key] for key in _ORDER if key in profile}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
