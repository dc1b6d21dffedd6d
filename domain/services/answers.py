"""What the use cases answer, as data: each front renders these in its own way (Slack mrkdwn and
Block Kit, plain text for the console and `cmd`). No answer holds formatted text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

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
    unbound: tuple[str, str] | None = None  # the (profile id, title) the channel was bound to


@dataclass(frozen=True)
class Granted:
    user: str
    role: str
    agreement: str


@dataclass(frozen=True)
class Revoked:
    user: str
    agreement: str
    still_admin_by_setting: bool


@dataclass(frozen=True)
class LeadsSet:
    leads: list[int]


@dataclass(frozen=True)
class AlertTimeSet:
    at: time
    timezone: str


# --------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Deadlines:
    as_of: date
    deadlines: list[Deadline]
    calendar: BusinessCalendar


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


@dataclass(frozen=True)
class History:
    lines: list[EventLine]  # newest first
    total: int
    retracted: frozenset[int]
    capped_at: int | None = None  # `history N` asked for more than this cap


@dataclass(frozen=True)
class Terms:
    terms: TermsProfile


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


@dataclass(frozen=True)
class TimelineView:
    """An agreement's timeline: drawn where the front can show a picture, else told."""

    agreement: str
    title: str
    timeline: Timeline


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
    | Help
    | TimelineView
    | CalendarFeedLink
    | NotShared
    | NoticeDrafted
    | NoticeRefused
    | NoticeNotSent
)
