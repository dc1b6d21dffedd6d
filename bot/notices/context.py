"""The words a notice template is filled with: dates written out, the Agreement as it describes
itself, where a reply goes, and how the notice is served.

Every kind is given: company_name, company_address (lines), company_attention, company_reply_to
(the §9(b) address on one line, with its attention line), investor_name, investor_address,
investor_attention, agreement (name, date and parties, as the Agreement's preamble gives
them), agreement_name, agreement_dated, date, section, delivery, service_of_notice.
A Delay Notice adds delay_start, delay_begun, what_is_delayed, delay_days, last_day,
sales_resume and delay_expiry; a notice to the other holders adds shares, inclusion_window and
inclusion_closes; a Requested Information notice adds anticipated_filing; a piggyback notice
adds anticipated_filing, request_window, request_closes and cutback_sections."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.rules.calendar import Delivery
from domain.rules.notices import (
    Delayed,
    DelayFacts,
    HoldersFacts,
    NoticeDraft,
    Party,
    PiggybackFacts,
    RequestedInfoFacts,
)

# Without the profile's `notices.agreement_name`, the Agreement is described, not named.
UNNAMED_AGREEMENT = "registration rights agreement"


def long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def agreement_described(draft: NoticeDraft) -> str:
    """The Agreement as its preamble describes itself: its name, its date and the parties."""
    return (
        f"{draft.agreement_name or UNNAMED_AGREEMENT} dated as of "
        f"{long_date(draft.agreement_dated)} between {draft.company.name} and "
        f"{draft.investor.name}"
    )


def reply_to(party: Party) -> str:
    """A party's §9(b) address on one line, with its attention line."""
    attention = [f"Attn: {party.address.attention}"] if party.address.attention else []
    return ", ".join([party.name, *party.address.lines, *attention])


def delivery_line(draft: NoticeDraft) -> str:
    if draft.service.method is Delivery.HAND:
        return "By hand delivery"
    return "By registered mail, return receipt requested"


def service_sentence(draft: NoticeDraft) -> str:
    """The day the notice is given and the day it takes effect (§9(b), SPEC §12)."""
    service = draft.service
    clause = f"Section {service.section} of the Agreement"
    if service.method is Delivery.HAND:
        return (
            f"This notice is delivered personally on {long_date(service.given_on)}, when it is "
            f"deemed given under {clause}, and is effective upon receipt."
        )
    sentence = (
        f"This notice is deposited with the United States Postal Service on "
        f"{long_date(service.given_on)}, when it is deemed given under {clause}, and is "
        f"effective {service.mail_rule}, on "
        f"{long_date(service.effective_on)}"
    )
    if not service.holidays:
        return sentence + "."
    named = "; ".join(f"{h.name}, {long_date(h.day)}" for h in service.holidays)
    return f"{sentence} (not counting {named}, which is not a business day)."


def what_is_delayed(facts: DelayFacts) -> str:
    """§2(d): the filing, the effectiveness, or sales under the effective statement."""
    if facts.delayed is Delayed.FILING:
        return (
            "During the Allowed Delay the Company is delaying the filing of the Registration "
            "Statement."
        )
    if facts.delayed is Delayed.EFFECTIVENESS:
        assert facts.filed is not None
        return (
            "During the Allowed Delay the Company is delaying the effectiveness of the "
            f"Registration Statement filed with the SEC on {long_date(facts.filed)}."
        )
    return (
        "During the Allowed Delay the Company requires you to suspend sales and other "
        "dispositions of Registrable Securities under the effective Registration Statement."
    )


def delay_expiry(facts: DelayFacts) -> str:
    sentence = (
        f"The Allowed Delay runs for {facts.days} days, through {long_date(facts.last_day)}, "
        f"and expires on {long_date(facts.sales_resume)}"
    )
    if facts.delayed is Delayed.SALES:
        sentence += (
            ", when sales and other dispositions under the Registration Statement may resume"
        )
    return sentence + "."


def sections(references: tuple[str, ...]) -> str:
    """`Section 2(b)(ii)`, or `Sections 2(b)(ii), 2(b)(iii) and 2(b)(iv)`."""
    *first, last = references
    return f"Sections {', '.join(first)} and {last}" if first else f"Section {last}"


def template_context(draft: NoticeDraft) -> dict[str, Any]:
    company, investor = draft.company, draft.investor
    context: dict[str, Any] = {
        "company_name": company.name,
        "company_address": company.address.lines,
        "company_attention": company.address.attention,
        "company_reply_to": reply_to(company),
        "investor_name": investor.name,
        "investor_address": investor.address.lines,
        "investor_attention": investor.address.attention,
        "agreement": agreement_described(draft),
        "agreement_name": draft.agreement_name or UNNAMED_AGREEMENT,
        "agreement_dated": long_date(draft.agreement_dated),
        "date": long_date(draft.dated),
        "section": draft.section,
        "delivery": delivery_line(draft),
        "service_of_notice": service_sentence(draft),
    }
    facts = draft.facts
    if isinstance(facts, DelayFacts):
        context |= {
            "delay_start": long_date(facts.start),
            "delay_begun": facts.start <= draft.dated,
            "what_is_delayed": what_is_delayed(facts),
            "delay_days": facts.days,
            "last_day": long_date(facts.last_day),
            "sales_resume": long_date(facts.sales_resume),
            "delay_expiry": delay_expiry(facts),
        }
    elif isinstance(facts, HoldersFacts):
        context |= {
            "shares": f"{facts.shares:,}" if facts.shares else None,
            "inclusion_window": facts.inclusion_window,
            "inclusion_closes": long_date(facts.inclusion_closes),
        }
    elif isinstance(facts, RequestedInfoFacts):
        context |= {"anticipated_filing": long_date(facts.anticipated_filing)}
    else:
        assert isinstance(facts, PiggybackFacts)
        context |= {
            "anticipated_filing": long_date(facts.anticipated_filing),
            "request_window": facts.request_window,
            "request_closes": long_date(facts.request_closes),
            "cutback_sections": sections(facts.cutback_sections),
        }
    return context
