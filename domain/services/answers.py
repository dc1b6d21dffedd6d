"""What the use cases answer, as data: each front renders these in its own way (Slack mrkdwn and
Block Kit, plain text for the console and `cmd`). No answer holds formatted text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from domain.rules.calendar import BusinessCalendar
from domain.rules.compliance import Obligation
from domain.rules.deadlines import Deadline
from domain.rules.events import Event
from domain.rules.notices import NoticeDraft, NoticeKind
from domain.rules.terms import TermsProfile
from domain.rules.timeline import Timeline

# --------------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Malformed:
    """Text that is not a command: what was wrong, and the usage of the command meant."""

    error: str
    usage: str | None

    def json(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, "section": None, "usage": self.usage}


@dataclass(frozen=True)
class Unbound:
    """The channel is not bound to an agreement; `setup <profile>` binds it."""

    channel: str
    profile_id: str


@dataclass(frozen=True)
class RoleRefused:
    """`command` needs a role the caller does not hold."""

    command: str
    needed: str
    records: bool


@dataclass(frozen=True)
class RuleRefused:
    """A rule of the agreement forbids the act. `clash` is an event recorded earlier that would
    no longer stand with this one; `allowed_on` the first day the act would be allowed."""

    message: str
    section: str | None
    allowed_on: date | None
    calendar: BusinessCalendar
    clash: EventLine | None = None
    hypothetical: bool = False  # `delay check`: it would be refused
    extend_max: int | None = None  # a refused extension: the most it could add
    available_days: int | None = None  # `delay check`: the longest delay from that day


@dataclass(frozen=True)
class FutureDated:
    on: date
    today: date


@dataclass(frozen=True)
class NothingToUndo:
    seq: int | None
    only_own: bool


@dataclass(frozen=True)
class AlreadyUndone:
    """`seq` was retracted already, by `by` (retraction `retraction_seq`): a second click."""

    seq: int
    retraction_seq: int
    by: str


@dataclass(frozen=True)
class NotYoursToUndo:
    """`seq` stands, but was recorded by `recorder`: only they or an admin may undo it."""

    seq: int
    recorder: str


@dataclass(frozen=True)
class UndoRefused:
    """Undoing `seq` would leave an inconsistent history."""

    seq: int
    message: str
    section: str | None


@dataclass(frozen=True)
class LastAdmin:
    """Revoking `user` would leave the agreement with no admin: none is configured in
    REGRIGHTS_ADMINS and no other is granted."""

    user: str
    agreement: str


@dataclass(frozen=True)
class NoGrantedRole:
    user: str
    agreement: str


@dataclass(frozen=True)
class AgreementMoved:
    """An Undo button of an agreement its channel is no longer bound to."""

    seq: int


@dataclass(frozen=True)
class Failed:
    """Something went wrong on our side."""


# --------------------------------------------------------------------- writes


@dataclass(frozen=True)
class EventLine:
    """One recorded event as people read it; `show_reason` only for insiders."""

    event: Event
    terms: TermsProfile
    show_reason: bool = False


@dataclass(frozen=True)
class DelayStanding:
    """An Allowed Delay as it stands after an extension, an early end or an undo. `expires` is
    None when the delay no longer stands; `days_used` counts the period ending on `counted_to`."""

    start: date
    expires: date | None
    days_used: int
    period_months: int
    counted_to: date


@dataclass(frozen=True)
class Recorded:
    """A recorded event, the clocks it started, and warnings. The reason of a delay is repeated
    to the one who recorded it, never to the channel (§2(d))."""

    line: EventLine
    opened: list[Deadline]
    warnings: list[str]
    calendar: BusinessCalendar
    delay: DelayStanding | None = None  # restated after `delay extend` or `delay end`


@dataclass(frozen=True)
class Undone:
    line: EventLine
    retraction_seq: int
    user: str
    delay: DelayStanding | None = None  # restated when the undone event was about a delay


@dataclass(frozen=True)
class Imported:
    """`regrights import`: every line recorded, in one transaction."""

    count: int
    warnings: list[str]


@dataclass(frozen=True)
class ImportFailed:
    """Line `line` was malformed or refused, so nothing of the file was recorded."""

    line: int
    text: str
    why: Answer


@dataclass(frozen=True)
class SetUp:
    title: str
    profile_id: str
    created: bool
    channel: str
    unbound: tuple[str, str] | None = None  # the (profile id, title) the channel was bound to

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "ok": True,
            "agreement": self.profile_id,
            "channel": self.channel,
            "created": self.created,
        }
        if self.unbound is not None:
            found["unbound"] = self.unbound[0]
        return found


@dataclass(frozen=True)
class Granted:
    user: str
    role: str
    agreement: str

    def json(self) -> dict[str, Any]:
        return {"ok": True, "user": self.user, "role": self.role}


@dataclass(frozen=True)
class Revoked:
    user: str
    agreement: str
    still_admin_by_setting: bool

    def json(self) -> dict[str, Any]:
        return {"ok": True, "user": self.user, "role": None}


@dataclass(frozen=True)
class LeadsSet:
    leads: list[int]

    def json(self) -> dict[str, Any]:
        return {"ok": True, "leads": self.leads}


@dataclass(frozen=True)
class AlertTimeSet:
    at: time
    timezone: str

    def json(self) -> dict[str, Any]:
        return {"ok": True, "at": self.at.strftime("%H:%M")}


# --------------------------------------------------------------------- questions


def deadline_json(deadline: Deadline, as_of: date) -> dict[str, Any]:
    return {
        "kind": deadline.kind.value,
        "section": deadline.section,
        "title": deadline.title,
        "due": deadline.due.isoformat(),
        "days_left": deadline.days_left(as_of),
        "status": deadline.status(as_of),
    }


@dataclass(frozen=True)
class Deadlines:
    as_of: date
    deadlines: list[Deadline]
    calendar: BusinessCalendar

    def json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "as_of": self.as_of.isoformat(),
            "deadlines": [deadline_json(d, self.as_of) for d in self.deadlines],
        }


@dataclass(frozen=True)
class RunningDelay:
    start: date
    expires: date
    reason: str | None  # the words of the reason, for insiders only


@dataclass(frozen=True)
class SalesSuspension:
    """Why sales are suspended: since `since` (§3(e)/§3(f) event) and/or until `until` (delay)."""

    since: date | None
    since_section: str | None
    until: date | None
    until_section: str


@dataclass(frozen=True)
class Status:
    terms: TermsProfile
    as_of: date
    demand_state: str
    demand_refusal: str | None
    delay: RunningDelay | None
    days_used: int
    next_delay_start: date | None
    sales: SalesSuspension | None
    termination_date: date | None
    deadlines: Deadlines
    warnings: list[str]
    available_days: int = 0  # the longest delay that could begin on `as_of`
    extend_max: int | None = None  # while a delay runs, the most it could be extended by
    nothing_to_delay: bool = False  # §2(d): no pending demand, filing or effective registration
    next_start_days: int = 0  # the longest delay that could begin on `next_delay_start`
    sales_suspended: bool = False
    history_break: str | None = None  # where the stored hash chain's tip does not hold

    def json(self) -> dict[str, Any]:
        """The `--json` contract of `status` (SPEC §7)."""
        return {
            "ok": True,
            "as_of": self.as_of.isoformat(),
            "agreement": self.terms.id,
            "demand": {"available": self.demand_refusal is None, "state": self.demand_state},
            "delay": {
                "active": self.delay is not None,
                "expires": self.delay.expires.isoformat() if self.delay else None,
                "days_used_12m": self.days_used,
                "next_start_allowed": _iso(self.next_delay_start),
                "available_days": self.available_days,
                "extend_max": self.extend_max,
                "next_start_available_days": self.next_start_days,
            },
            "sales_suspended": self.sales_suspended,
            "termination_date": _iso(self.termination_date),
            "deadlines": self.deadlines.json()["deadlines"],
            "warnings": self.warnings,
            "history_break": self.history_break,
        }


@dataclass(frozen=True)
class History:
    lines: list[EventLine]  # newest first
    total: int
    retracted: frozenset[int]
    capped_at: int | None = None  # `history N` asked for more than this cap

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"ok": True, "events": [self._row(line) for line in self.lines]}
        if self.capped_at is not None:
            found["capped_at"] = self.capped_at
        return found

    def _row(self, line: EventLine) -> dict[str, Any]:
        event, facts = line.event, line.event.facts
        row: dict[str, Any] = {
            "seq": event.seq,
            "kind": event.kind.value,
            "on": event.on.isoformat(),
            "effective_on": event.effective_on.isoformat(),
            "delivery": facts.delivery.value if facts.delivery else None,
            "shares": facts.shares,
            "days": facts.days,
            "ground": facts.stated_ground,
            "planned_filing": _iso(facts.planned_filing),
            "retracts": facts.retracts,
            "retracted": event.seq in self.retracted,
            "actor": event.actor,
            "source": event.source,
            "recorded_at": event.recorded_at.isoformat() if event.recorded_at else None,
        }
        if line.show_reason:
            row["reason"] = facts.reason
        return row


@dataclass(frozen=True)
class Terms:
    terms: TermsProfile

    def json(self) -> dict[str, Any]:
        profile = self.terms
        d = profile.demand
        delay = profile.allowed_delay
        return {
            "ok": True,
            "agreement": profile.id,
            "title": profile.title,
            "timezone": profile.timezone,
            "clocks": [
                {
                    "rule": "notice to other holders of a demand",
                    "days": d.holder_notice.days,
                    "business_days": d.holder_notice.business_days,
                    "section": d.holder_notice.section,
                },
                {
                    "rule": "other holders' inclusion requests",
                    "days": d.holder_inclusion.days,
                    "business_days": d.holder_inclusion.business_days,
                    "section": d.holder_inclusion.section,
                },
                {
                    "rule": "Short-Form Registrations the Investor may demand",
                    "count": d.demands_allowed,
                    "section": d.eligibility_section,
                },
                {
                    "rule": "effectiveness after filing",
                    "days": d.effectiveness.days,
                    "business_days": d.effectiveness.business_days,
                    "section": d.effectiveness.section,
                },
                {
                    "rule": "Investor's piggyback request",
                    "days": profile.piggyback.request.days,
                    "business_days": profile.piggyback.request.business_days,
                    "section": profile.piggyback.request.section,
                },
                {
                    "rule": "Allowed Delay days in any period",
                    "days": delay.max_days,
                    "months": delay.period_months,
                    "section": delay.section,
                },
                {
                    "rule": "Allowed Delays beginning in any period",
                    "count": delay.max_delays,
                    "months": delay.period_months,
                    "section": delay.section,
                },
                {
                    "rule": "Requested Information before the first anticipated filing",
                    "days": profile.requested_information.days,
                    "business_days": profile.requested_information.business_days,
                    "section": profile.requested_information.section,
                },
                {
                    "rule": f"mailed notice effective {profile.notices.mail_rule}",
                    "business_days": profile.notices.mail_business_days,
                    "days": profile.notices.mail_days,
                    "section": profile.notices.section,
                },
            ],
            "termination_reading": profile.termination.reading,
            "citations": [
                {"key": key, "section": cited.section, "quote": cited.quote}
                for key, _, _, cited in profile.cited_values()
                if cited is not None
            ],
            "drafting_defects": [
                {"section": x.section, "note": x.note} for x in profile.drafting_defects
            ],
        }


@dataclass(frozen=True)
class DelayAllowed:
    section: str
    days: int
    start: date
    last_day: date
    expires: date
    days_used: int
    period_months: int
    warnings: list[str]
    calendar: BusinessCalendar
    available_days: int = 0
    extend_max: int | None = None

    def json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "start": self.start.isoformat(),
            "last_day": self.last_day.isoformat(),
            "expires": self.expires.isoformat(),
            "days_used_12m": self.days_used,
            "available_days": self.available_days,
            "extend_max": self.extend_max,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Compliance:
    """Every deadline that has run, with its outcome, as of a day."""

    as_of: date
    obligations: list[Obligation]
    calendar: BusinessCalendar


@dataclass(frozen=True)
class Cutback:
    capacity: int
    priority: str
    holders: list[str]  # the priority claim first
    by_owned: dict[str, int]
    by_requested: dict[str, int]
    owned_sections: tuple[str, str]
    requested_section: str
    defects: list[tuple[str, str]]  # (section, note)

    def json(self) -> dict[str, Any]:
        return {"ok": True, "by_owned": self.by_owned, "by_requested": self.by_requested}


@dataclass(frozen=True)
class HelpTopic:
    """One command's help, from the command table."""

    name: str
    usage: str
    group: str
    does: str
    clock: str | None
    section: str | None
    example: str


@dataclass(frozen=True)
class Help:
    topics: list[HelpTopic]
    detailed: bool = field(default=False)

    def json(self) -> dict[str, Any]:
        return {"ok": True, "usage": {topic.name: topic.usage for topic in self.topics}}


@dataclass(frozen=True)
class TimelineView:
    """An agreement's timeline: drawn where the front can show a picture, else told."""

    agreement: str
    title: str
    timeline: Timeline

    def json(self) -> dict[str, Any]:
        t = self.timeline
        return {
            "ok": True,
            "as_of": t.as_of.isoformat(),
            "agreement": self.agreement,
            "delay_limit": {"max_days": t.max_days, "period_months": t.period_months},
            "days_used_12m": t.days_used_12m,
            "next_start_allowed": t.next_start_allowed.isoformat()
            if t.next_start_allowed
            else None,
            "delays": [
                {
                    "start": d.start.isoformat(),
                    "expires": d.expires.isoformat(),
                    "days": d.days,
                    "running": d.running,
                }
                for d in t.delays
            ],
            "windows": [
                {
                    "first": w.first.isoformat(),
                    "last": (w.end - timedelta(days=1)).isoformat(),
                    "days_used": w.days_used,
                    "opened_by": w.opened_by.isoformat() if w.opened_by else None,
                }
                for w in t.windows
            ],
            "deadlines": [
                {"kind": d.kind, "section": d.section, "title": d.title, "due": d.due.isoformat()}
                for d in t.deadlines
            ],
        }


@dataclass(frozen=True)
class CalendarFeedLink:
    """Where a calendar subscribes to the agreement's deadlines; `url` is None when the bot's
    public address is not configured (only the path is known). Once made, the address is
    kept only as its digest: then `path` is None and `made` says by whom and when."""

    title: str
    path: str | None
    url: str | None
    reset: bool
    made: tuple[str, datetime] | None = None

    def json(self) -> dict[str, Any]:
        found = {"ok": True, "url": self.url, "path": self.path, "reset": self.reset}
        if self.made is not None:
            found["made_by"] = self.made[0]
        return found


@dataclass(frozen=True)
class NotShared:
    """A picture Slack would not take into the channel, and Slack's error."""

    error: str


# --------------------------------------------------------------------- notices


@dataclass(frozen=True)
class NoticeDrafted:
    """A notice drafted; `filename` once a front has written or sent it as a document."""

    draft: NoticeDraft
    filename: str | None = None


@dataclass(frozen=True)
class NoticeRefused:
    """There is nothing to give that notice of (or nowhere to send it)."""

    kind: NoticeKind
    message: str
    section: str | None


@dataclass(frozen=True)
class NoticeNotSent:
    """Drafted, but Slack would not take the file; nothing was posted anywhere instead."""

    kind: NoticeKind
    error: str


Answer = (
    Malformed
    | Unbound
    | RoleRefused
    | RuleRefused
    | FutureDated
    | NothingToUndo
    | AlreadyUndone
    | NotYoursToUndo
    | UndoRefused
    | NoGrantedRole
    | LastAdmin
    | AgreementMoved
    | Failed
    | Recorded
    | Undone
    | Imported
    | ImportFailed
    | SetUp
    | Granted
    | Revoked
    | LeadsSet
    | AlertTimeSet
    | Deadlines
    | Status
    | History
    | Terms
    | DelayAllowed
    | Compliance
    | Cutback
    | DelayAllowed
    | Help
    | TimelineView
    | CalendarFeedLink
    | NotShared
    | NoticeDrafted
    | NoticeRefused
    | NoticeNotSent
)


# The answers that are their own `--json` object.
OwnJson = (
    Deadlines
    | Status
    | History
    | Terms
    | Cutback
    | DelayAllowed
    | Help
    | TimelineView
    | CalendarFeedLink
    | SetUp
    | Granted
    | Revoked
    | LeadsSet
    | AlertTimeSet
)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
