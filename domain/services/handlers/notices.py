"""`notice …`: the notice the history calls for, dated the day it is given (today, or a later
`on` day); refused, with its section, when there is nothing to give notice of on that day."""

from __future__ import annotations

from typing import Any

from domain.rules.notices import DelayFacts, NoticeDraft, PiggybackFacts, draft_notice
from domain.rules.violation import RuleViolation
from domain.services import answers
from domain.services.context import Context
from domain.services.grammar import NoticeRequest
from domain.services.replies import Reply


def draft(ctx: Context, command: NoticeRequest) -> Reply:
    today = ctx.today
    try:
        drafted = draft_notice(
            command.kind,
            ctx.agreement.state(),
            today,
            command.on or today,
            command.delivery,
            command.filing,
        )
    except RuleViolation as violation:
        refused = answers.NoticeRefused(command.kind, violation.message, violation.section)
        return Reply.refused(refused, violation.message, violation.section)
    return Reply(ok=True, answer=answers.NoticeDrafted(drafted), data=notice_data(drafted))


def notice_data(drafted: NoticeDraft) -> dict[str, Any]:
    """The draft for `--json`: `given_on` (delivered or deposited: deemed given), `effective_on`
    (on receipt, or business days after deposit), lateness, and what counsel must complete."""
    facts = drafted.facts
    data: dict[str, Any] = {
        "ok": True,
        "notice": drafted.kind.value,
        "section": drafted.section,
        "dated": drafted.dated.isoformat(),
        "given_on": drafted.service.given_on.isoformat(),
        "delivery": drafted.service.method.value,
        "effective_on": drafted.service.effective_on.isoformat(),
        "due": drafted.due.isoformat() if drafted.due else None,
        "days_late": drafted.days_late,
        "to_complete": list(drafted.to_complete),
    }
    if isinstance(facts, DelayFacts):
        data["delayed"] = facts.delayed.value
        data["business_days_since_delay_began"] = facts.business_days_since_start
        data["prompt"] = facts.prompt
    elif isinstance(facts, PiggybackFacts):
        data["anticipated_filing"] = facts.anticipated_filing.isoformat()
        data["request_closes"] = facts.request_closes.isoformat()
    return data
