"""What the asker is told about a drafted notice (the draft itself is a document)."""

from __future__ import annotations

from typing import Any

from domain.rules.calendar import Delivery
from domain.rules.notices import NoticeDraft
from domain.rules.violation import RuleViolation
from domain.services.replies import Reply
from domain.services.wording import day, section

# The exit status of a front that could not reach Slack, or whose upload Slack refused.
EXIT_UNAVAILABLE = 3

TITLES = {
    "delay": "Delay Notice",
    "holders": "Notice of Demand Registration to the other security holders",
    "requested-info": "Requested Information notice",
    "piggyback": "Notice of Piggyback Registration",
}


def deemed_given_text(draft: NoticeDraft) -> str:
    service = draft.service
    if service.method is Delivery.HAND:
        return f"delivered by hand on {day(service.given_on)}, effective on receipt"
    moved = "".join(f"; {h.name} ({h.day}) is not a business day" for h in service.holidays)
    return (
        f"deposited in the mail on {day(service.given_on)}, deemed given "
        f"{service.business_days} business days later, on {day(service.deemed_given)}{moved}"
    )


def notice_reply(draft: NoticeDraft, filename: str | None) -> Reply:
    """`filename`: where the draft was written or sent; None when it was not (console, `cmd`)."""
    title = TITLES[draft.kind.value]
    given = f"{deemed_given_text(draft)} ({section(draft.service.section)})"
    if filename is None:
        text = (
            f"The {title} ({section(draft.section)}) would be {given}. The draft is a Word "
            f"file: `regrights notice {draft.kind.value} --out FILE.docx`, or "
            f"`/regrights notice {draft.kind.value}` in Slack."
        )
    else:
        text = f"Drafted the {title} ({section(draft.section)}) as `{filename}`: {given}."
    warnings = []
    if draft.days_late and draft.due is not None:
        warnings.append(
            f"Given this way it takes effect {draft.days_late} days after "
            f"{day(draft.due)}, the last day {section(draft.section)} allows."
        )
        text += " " + warnings[0]
    data: dict[str, Any] = {
        "ok": True,
        "notice": draft.kind.value,
        "section": draft.section,
        "file": filename,
        "given_on": draft.service.given_on.isoformat(),
        "deemed_given": draft.service.deemed_given.isoformat(),
        "due": draft.due.isoformat() if draft.due else None,
        "days_late": draft.days_late,
    }
    return Reply(ok=True, text=text, data=data, warnings=warnings)


def notice_refusal(kind: str, violation: RuleViolation) -> Reply:
    return Reply.refused(
        violation.message,
        violation.section,
        f"No {TITLES[kind]} drafted: under {section(violation.section)}, {violation.message}.",
    )


def not_sent(kind: str, error: str) -> Reply:
    """The draft could not be delivered to the asker (never posted anywhere else instead)."""
    return Reply(
        ok=False,
        text=(
            f"I drafted the {TITLES[kind]} but could not send it to you ({error}). "
            "Nothing was posted in the channel; ask an admin to reinstall the app with the "
            "`files:write` and `im:write` scopes, or use `regrights notice` from the shell."
        ),
        data={"ok": False, "error": f"could not send the draft: {error}", "section": None},
        exit_code=EXIT_UNAVAILABLE,
    )
