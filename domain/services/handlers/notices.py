"""`notice …`: the notice the history calls for, drafted as of today; refused, with its section,
when there is nothing to give notice of."""

from __future__ import annotations

from typing import Any

from domain.rules.notices import NoticeDraft, draft_notice
from domain.rules.violation import RuleViolation
from domain.services import answers
from domain.services.context import Context
from domain.services.grammar import NoticeRequest
from domain.services.replies import Reply


def draft(ctx: Context, command: NoticeRequest) -> Reply:
    today = ctx.today
    try:
        drafted = draft_notice(
            command.kind, ctx.agreement.state(), today, command.on or today, command.delivery
        )
    except RuleViolation as violation:
        refused = answers.NoticeRefused(command.kind, violation.message, violation.section)
        return Reply.refused(refused, violation.message, violation.section)
    return Reply(ok=True, answer=answers.NoticeDrafted(drafted), data=notice_data(drafted))


def notice_data(drafted: NoticeDraft) -> dict[str, Any]:
    return {
        "ok": True,
        "notice": drafted.kind.value,
        "section": drafted.section,
        "given_on": drafted.service.given_on.isoformat(),
        "delivery": drafted.service.method.value,
        "deemed_given": drafted.service.deemed_given.isoformat(),
        "due": drafted.due.isoformat() if drafted.due else None,
        "days_late": drafted.days_late,
    }
