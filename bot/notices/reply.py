"""What counsel is told beside a drafted notice: how and when it is given and takes effect,
and what the letter itself must never say: that it is late, that a Delay Notice is not
prompt, and which field is left for counsel to complete."""

from __future__ import annotations

from bot.render.dates import day, days, section
from bot.render.markup import Markup
from domain.rules.calendar import Delivery
from domain.rules.notices import (
    PROMPT_BUSINESS_DAYS,
    DelayFacts,
    NoticeDraft,
    NoticeKind,
    PiggybackFacts,
)
from domain.services.answers import NoticeDrafted

NOTICE_TITLES = {
    NoticeKind.DELAY: "Delay Notice",
    NoticeKind.HOLDERS: "Notice of Demand Registration to the other security holders",
    NoticeKind.REQUESTED_INFO: "Requested Information notice",
    NoticeKind.PIGGYBACK: "Notice of Piggyback Registration",
}


def given_and_effective(draft: NoticeDraft) -> str:
    service = draft.service
    if service.method is Delivery.HAND:
        return f"delivered by hand on {day(service.given_on)}, given and effective on receipt"
    moved = "".join(f"; {h.name} ({h.day}) is not a business day" for h in service.holidays)
    return (
        f"deposited in the mail on {day(service.given_on)}, deemed given that day and "
        f"effective {service.mail_rule}, on "
        f"{day(service.effective_on)}{moved}"
    )


def for_counsel(draft: NoticeDraft) -> list[str]:
    """What only counsel hears: none of it is in the letter."""
    notes: list[str] = []
    given = day(draft.service.given_on)
    if draft.days_late and draft.due is not None:
        notes.append(
            f"Given on {given}, this notice is {days(draft.days_late)} after {day(draft.due)}, "
            f"the last day {section(draft.section)} allows; the letter does not say so."
        )
    facts = draft.facts
    if isinstance(facts, DelayFacts) and not facts.prompt:
        notes.append(
            f"{section(draft.section)} requires the Delay Notice promptly: given on {given}, it "
            f"goes out {facts.business_days_since_start} business days after the delay began "
            f"on {day(facts.start)}, more than the {PROMPT_BUSINESS_DAYS} taken as prompt; the "
            "letter does not say so."
        )
    if isinstance(facts, PiggybackFacts) and facts.window_outlasts_filing:
        notes.append(
            f"The Investor's {facts.request_window} to ask for inclusion run to "
            f"{day(facts.request_closes)}, after the filing anticipated on "
            f"{day(facts.anticipated_filing)}."
        )
    return notes


def drafted_reply(answer: NoticeDrafted, m: Markup) -> str:
    draft = answer.draft
    title = f"{NOTICE_TITLES[draft.kind]} ({section(draft.section)})"
    given = f"{given_and_effective(draft)} ({section(draft.service.section)})"
    if answer.filename is None:
        text = (
            f"The {title} would be {given}. The draft is a Word file: "
            f"{m.code(f'regrights notice {draft.kind.value} --out FILE.docx')}, or "
            f"{m.code(f'/regrights notice {draft.kind.value}')} in Slack."
        )
    else:
        text = f"Drafted the {title} as {m.code(answer.filename)}: {given}."
    if draft.to_complete:
        text += (
            f" Before it is sent, complete the highlighted field: {', '.join(draft.to_complete)}."
        )
    return "\n".join([text, *(f"⚠ {note}" for note in for_counsel(draft))])
