"""The words a notice template is filled with: dates written out, and how it is served."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.rules.calendar import Delivery
from domain.rules.notices import (
    DelayFacts,
    HoldersFacts,
    NoticeDraft,
    PiggybackFacts,
    RequestedInfoFacts,
)


def long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def delivery_line(draft: NoticeDraft) -> str:
    if draft.service.method is Delivery.HAND:
        return "By hand delivery"
    return "By registered mail, return receipt requested"


def deemed_given_sentence(draft: NoticeDraft) -> str:
    service = draft.service
    clause = f"Section {service.section} of the Agreement"
    if service.method is Delivery.HAND:
        return (
            f"This notice is given by personal delivery on {long_date(service.given_on)} and is "
            f"effective upon receipt under {clause}."
        )
    sentence = (
        f"This notice is deposited with the United States Postal Service on "
        f"{long_date(service.given_on)} and is effective under {clause} "
        f"{service.mail_rule}, on "
        f"{long_date(service.deemed_given)}"
    )
    if not service.holidays:
        return sentence + "."
    named = "; ".join(f"{h.name}, {long_date(h.day)}" for h in service.holidays)
    return f"{sentence} (not counting {named}, which is not a business day)."


def template_context(draft: NoticeDraft) -> dict[str, Any]:
    company, investor = draft.company, draft.investor
    context: dict[str, Any] = {
        "company_name": company.name,
        "company_address": company.address.lines,
        "company_attention": company.address.attention,
        "investor_name": investor.name,
        "investor_address": investor.address.lines,
        "investor_attention": investor.address.attention,
        "agreement_title": draft.agreement_title,
        "agreement_dated": long_date(draft.agreement_dated),
        "date": long_date(draft.dated),
        "section": draft.section,
        "delivery": delivery_line(draft),
        "deemed_given": deemed_given_sentence(draft),
    }
    facts = draft.facts
    if isinstance(facts, DelayFacts):
        context |= {
            "delay_start": long_date(facts.start),
            "sales_resume": long_date(facts.sales_resume),
            "last_day": long_date(facts.last_day),
            "delay_days": facts.days,
        }
    elif isinstance(facts, HoldersFacts):
        context |= {
            "demand_received": long_date(facts.demand_received),
            "shares": f"{facts.shares:,}" if facts.shares else None,
            "inclusion_days": facts.inclusion_days,
            "inclusion_closes": long_date(facts.inclusion_closes),
        }
    elif isinstance(facts, RequestedInfoFacts):
        context |= {
            "anticipated_filing": long_date(facts.anticipated_filing),
            "days_before": facts.days_before,
            "notify_by": long_date(facts.notify_by),
        }
    else:
        assert isinstance(facts, PiggybackFacts)
        context |= {
            "anticipated_filing": long_date(facts.anticipated_filing),
            "request_days": facts.request_days,
            "request_closes": long_date(facts.request_closes),
        }
    return context
