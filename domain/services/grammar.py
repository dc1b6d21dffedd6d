"""The words of each command: a parser per command turns its arguments into a command object.

Which parser reads which words is declared once, in the command table (`commands`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from domain.rules.calendar import Delivery
from domain.rules.events import EventKind, TerminationGround, WithdrawalGround
from domain.rules.notices import NoticeKind
from domain.rules.terms import is_profile_path

MAX_COMMAND_LENGTH = 1000

DATE = "YYYY-MM-DD"


class UsageError(ValueError):
    """Text that is not a command; `usage` shows the right form."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        self.message = message
        self.usage = usage
        super().__init__(message)


@dataclass(frozen=True)
class RecordEvent:
    kind: EventKind
    on: date | None = None
    delivery: Delivery = Delivery.HAND
    shares: int | None = None
    days: int | None = None
    reason: str | None = None
    ground: TerminationGround | None = None
    withdrawal: WithdrawalGround | None = None
    planned_filing: date | None = None


@dataclass(frozen=True)
class DelayCheck:
    days: int
    start: date | None = None


@dataclass(frozen=True)
class Undo:
    """Retract your most recent event; `seq` names one (the Undo button on an announcement)."""

    seq: int | None = None


@dataclass(frozen=True)
class Query:
    """`status`, `deadlines`, `terms`: read-only views."""

    name: str


HISTORY_CAP = 200


@dataclass(frozen=True)
class History:
    limit: int = 10
    asked: int | None = None  # what `history N` asked for, when above the cap


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class CutbackRequest:
    capacity: int
    priority: tuple[str, int]
    holders: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Setup:
    profile_id: str


@dataclass(frozen=True)
class Grant:
    user: str
    role: str


@dataclass(frozen=True)
class Revoke:
    user: str


@dataclass(frozen=True)
class RemindLeads:
    leads: list[int]


@dataclass(frozen=True)
class RemindAt:
    at: time


@dataclass(frozen=True)
class TimelineRequest:
    """`timeline`: the delays, their 12-month windows and the deadlines, as a picture."""


@dataclass(frozen=True)
class CalendarLink:
    """`calendar link` (the subscribable feed's URL) or `calendar reset` (a new one)."""

    reset: bool = False


@dataclass(frozen=True)
class NoticeRequest:
    """Draft a notice; `on` is the day it is delivered or deposited (default today); `filing`
    names the Company's registration a piggyback notice is for, by its anticipated filing."""

    kind: NoticeKind
    on: date | None = None
    delivery: Delivery = Delivery.HAND
    filing: date | None = None


Command = (
    RecordEvent
    | DelayCheck
    | Undo
    | Query
    | History
    | Help
    | CutbackRequest
    | Setup
    | Grant
    | Revoke
    | RemindLeads
    | RemindAt
    | TimelineRequest
    | CalendarLink
    | NoticeRequest
)

# Each command's words after its name, and its usage line for the errors.
Parser = Callable[[list[str], str], Command]


def record_plain(kind: EventKind) -> Parser:
    """An event with an optional `on DATE` and nothing else."""

    def parse_record(args: list[str], usage: str) -> Command:
        options = _Options(usage, args, dates=("on",))
        options.no_positionals()
        return RecordEvent(kind, on=options.date("on"))

    return parse_record


def record_notice(kind: EventKind) -> Parser:
    """A notice: `on DATE` is the receipt date by hand, or the deposit date by mail (§9(b))."""

    def parse_notice(args: list[str], usage: str) -> Command:
        options = _Options(usage, args, dates=("on",), delivery=True)
        options.no_positionals()
        return RecordEvent(kind, on=options.date("on"), delivery=options.delivery)

    return parse_notice


class _Options:
    """Positionals first, then `on DATE`, `from DATE`, `by hand|mail`, `reason X` in any order."""

    def __init__(
        self,
        usage: str,
        args: list[str],
        *,
        dates: tuple[str, ...] = (),
        delivery: bool = False,
        reason: bool = False,
    ) -> None:
        self.usage = usage
        self.positionals: list[str] = []
        self.values: dict[str, str] = {}
        keywords = set(dates) | ({"by"} if delivery else set()) | ({"reason"} if reason else set())
        self.dates = dates
        i = 0
        while i < len(args):
            word = args[i].lower()
            if word in keywords:
                if word in self.values:
                    raise UsageError(f"`{word}` is given twice", self.usage)
                if i + 1 >= len(args):
                    raise UsageError(f"`{word}` needs a value", self.usage)
                self.values[word] = args[i + 1]
                i += 2
                continue
            if self.values:
                raise UsageError(f"unexpected `{clip(args[i])}`", self.usage)
            self.positionals.append(args[i])
            i += 1

    def no_positionals(self) -> None:
        if self.positionals:
            raise UsageError(f"unexpected `{clip(self.positionals[0])}`", self.usage)

    def exactly(self, count: int, what: str) -> list[str]:
        if len(self.positionals) < count:
            raise UsageError(f"missing {what}", self.usage)
        if len(self.positionals) > count:
            raise UsageError(f"unexpected `{clip(self.positionals[count])}`", self.usage)
        return self.positionals

    def date(self, keyword: str) -> date | None:
        raw = self.values.get(keyword)
        return None if raw is None else parse_date(raw, self.usage)

    @property
    def delivery(self) -> Delivery:
        raw = self.values.get("by")
        if raw is None:
            return Delivery.HAND
        try:
            return Delivery(raw.lower())
        except ValueError:
            raise UsageError(f"`by {clip(raw)}`: say `by hand` or `by mail`", self.usage) from None

    @property
    def reason(self) -> str | None:
        raw = self.values.get("reason")
        return None if raw is None else raw.lower()


def notice(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on", "filing"), delivery=True)
    (raw,) = options.exactly(1, "the notice: delay, holders, requested-info or piggyback")
    try:
        kind = NoticeKind(raw.lower())
    except ValueError:
        raise UsageError(
            f"`{clip(raw)}` is not a notice: say delay, holders, requested-info or piggyback",
            usage,
        ) from None
    filing = options.date("filing")
    if filing is not None and kind is not NoticeKind.PIGGYBACK:
        raise UsageError("`filing DATE` is for `notice piggyback` alone", usage)
    return NoticeRequest(kind, on=options.date("on"), delivery=options.delivery, filing=filing)


def parse_date(raw: str, usage: str | None = None) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise UsageError(f"`{clip(raw)}` is not a date: write {DATE}", usage)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"`{raw}` is not a calendar date", usage) from None


def _positive(raw: str, what: str, usage: str, *, allow_zero: bool = False) -> int:
    cleaned = raw.replace(",", "").replace("_", "")
    if not re.fullmatch(r"\d{1,12}", cleaned):
        raise UsageError(f"{what} must be a whole number, not `{clip(raw)}`", usage)
    value = int(cleaned)
    if value == 0 and not allow_zero:
        raise UsageError(f"{what} must be at least 1", usage)
    return value


def _days(raw: str, usage: str) -> int:
    if raw.startswith("-") and raw[1:].isdigit():
        raise UsageError(f"a delay is a positive number of days, not `{raw}`", usage)
    days = _positive(raw, "the number of days", usage)
    if days > 3650:
        raise UsageError(f"{days} days is more than any delay could be", usage)
    return days


def demand(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on",), delivery=True)
    (shares,) = options.exactly(1, "the number of shares requested")
    return RecordEvent(
        EventKind.DEMAND,
        on=options.date("on"),
        delivery=options.delivery,
        shares=_positive(shares, "the number of shares", usage),
    )


def filing_planned(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on",))
    (planned,) = options.exactly(1, "the anticipated filing date")
    return RecordEvent(
        EventKind.FILING_PLANNED, on=options.date("on"), planned_filing=parse_date(planned, usage)
    )


def withdrawn(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on",))
    if len(options.positionals) > 1:
        raise UsageError(f"unexpected `{clip(options.positionals[1])}`", usage)
    ground = None
    if options.positionals:
        raw = options.positionals[0]
        try:
            ground = WithdrawalGround(raw.lower())
        except ValueError:
            raise UsageError(
                f"`{clip(raw)}` is not a ground: say misstatement or other", usage
            ) from None
    return RecordEvent(EventKind.WITHDRAWN, on=options.date("on"), withdrawal=ground)


def piggyback_requested(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on",))
    (shares,) = options.exactly(1, "the number of shares requested")
    return RecordEvent(
        EventKind.PIGGYBACK_REQUESTED,
        on=options.date("on"),
        shares=_positive(shares, "the number of shares", usage),
    )


def terminated(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on",))
    (raw,) = options.exactly(1, "the ground: sold-all, rule144 or transferred")
    try:
        ground = TerminationGround(raw.lower())
    except ValueError:
        raise UsageError(
            f"`{clip(raw)}` is not a ground: say sold-all, rule144 or transferred", usage
        ) from None
    return RecordEvent(EventKind.TERMINATED, on=options.date("on"), ground=ground)


def delay(args: list[str], usage: str) -> Command:
    # `on DATE` is taken too, as on every recording command; `from DATE` reads better.
    options = _Options(usage, args, dates=("from", "on"), reason=True)
    (days,) = options.exactly(1, "the number of days")
    if "from" in options.values and "on" in options.values:
        raise UsageError("give the start once: `from DATE`", usage)
    return RecordEvent(
        EventKind.DELAY,
        on=options.date("from") or options.date("on"),
        days=_days(days, usage),
        reason=options.reason,
    )


def delay_extend(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on",))
    (days,) = options.exactly(1, "the number of days to add")
    return RecordEvent(EventKind.DELAY_EXTEND, on=options.date("on"), days=_days(days, usage))


def delay_end(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("on",))
    options.no_positionals()
    return RecordEvent(EventKind.DELAY_END, on=options.date("on"))


def delay_check(args: list[str], usage: str) -> Command:
    options = _Options(usage, args, dates=("from",))
    (days,) = options.exactly(1, "the number of days")
    return DelayCheck(_days(days, usage), options.date("from"))


def undo(args: list[str], usage: str) -> Command:
    _Options(usage, args).no_positionals()
    return Undo()


def query(name: str) -> Parser:
    def parse_query(args: list[str], usage: str) -> Command:
        _Options(usage, args).no_positionals()
        return Query(name)

    return parse_query


def history(args: list[str], usage: str) -> Command:
    options = _Options(usage, args)
    if not options.positionals:
        return History()
    (limit,) = options.exactly(1, "")
    count = _positive(limit, "the number of events", usage)
    return History(HISTORY_CAP, count) if count > HISTORY_CAP else History(count)


def help_topic(args: list[str], usage: str) -> Command:
    """`help`, `help delay`, `help delay extend`: the table checks that the topic exists."""
    return Help(" ".join(args).lower() or None)


def cutback_request(args: list[str], usage: str) -> Command:
    if len(args) < 2:
        raise UsageError("give the capacity and at least the priority claim", usage)
    capacity = _positive(args[0], "the capacity", usage, allow_zero=True)
    priority_name, priority_requested, _ = _claim(args[1], usage, owned=False)
    holders: list[tuple[str, int, int]] = []
    seen = {priority_name}
    for raw in args[2:]:
        name, requested, owned = _claim(raw, usage, owned=True)
        if name in seen:
            raise UsageError(f"`{name}` is named twice", usage)
        seen.add(name)
        holders.append((name, requested, owned))
    return CutbackRequest(capacity, (priority_name, priority_requested), holders)


def _claim(raw: str, usage: str, *, owned: bool) -> tuple[str, int, int]:
    shape = (
        r"([A-Za-z0-9_.\-]{1,40})=([\d,_]+):([\d,_]+)"
        if owned
        else r"([A-Za-z0-9_.\-]{1,40})=([\d,_]+)"
    )
    match = re.fullmatch(shape, raw)
    if not match:
        form = "<holder>=<requested>:<owned>" if owned else "<priority>=<requested>"
        raise UsageError(f"`{clip(raw)}` is not of the form {form}", usage)
    requested = _positive(match.group(2), "shares requested", usage, allow_zero=True)
    held = _positive(match.group(3), "shares owned", usage, allow_zero=True) if owned else 0
    if owned and requested > held:
        # §2(b)(i): a holder asks to include its own Registrable Securities, no more.
        raise UsageError(
            f"`{match.group(1)}` requests {requested:,} shares but owns {held:,}: a holder can "
            "ask to include only shares it owns",
            usage,
        )
    return match.group(1), requested, held


def setup(args: list[str], usage: str) -> Command:
    (profile_id,) = _Options(usage, args).exactly(1, "the profile id (e.g. nstor-2002)")
    if is_profile_path(profile_id):
        return Setup(profile_id)  # a profile file, e.g. one `profile draft` wrote
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", profile_id):
        raise UsageError(f"`{clip(profile_id)}` is not a profile id", usage)
    return Setup(profile_id)


def parse_user(raw: str, usage: str) -> str:
    """A Slack mention `<@U123|name>`, `@U123` or a bare user id."""
    match = re.fullmatch(r"<@([A-Z0-9]{1,64})(?:\|[^>]*)?>|@?([A-Za-z0-9._-]{1,64})", raw)
    if not match:
        raise UsageError(f"`{clip(raw)}` is not a user: mention them as @name", usage)
    return match.group(1) or match.group(2)


def grant(args: list[str], usage: str) -> Command:
    user, role = _Options(usage, args).exactly(2, "the user and the role (editor or admin)")
    if role.lower() not in {"editor", "admin"}:
        raise UsageError(f"`{clip(role)}` is not a role: say editor or admin", usage)
    return Grant(parse_user(user, usage), role.lower())


def revoke(args: list[str], usage: str) -> Command:
    (user,) = _Options(usage, args).exactly(1, "the user")
    return Revoke(parse_user(user, usage))


def remind_leads(args: list[str], usage: str) -> Command:
    (raw,) = _Options(usage, args).exactly(1, "the leads, e.g. 14,7,3,1,0")
    leads = [_positive(p, "a lead", usage, allow_zero=True) for p in raw.split(",")]
    if any(lead > 365 for lead in leads) or len(leads) > 20:
        raise UsageError("at most 20 leads, each 0 to 365 days", usage)
    return RemindLeads(sorted(set(leads), reverse=True))


def remind_at(args: list[str], usage: str) -> Command:
    (raw,) = _Options(usage, args).exactly(1, "the time, e.g. 09:00")
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw)
    if not match:
        raise UsageError(f"`{clip(raw)}` is not a time: write HH:MM (24-hour)", usage)
    return RemindAt(time(int(match.group(1)), int(match.group(2))))


def timeline(args: list[str], usage: str) -> Command:
    _Options(usage, args).no_positionals()
    return TimelineRequest()


def calendar_link(*, reset: bool) -> Parser:
    def parse_link(args: list[str], usage: str) -> Command:
        _Options(usage, args).no_positionals()
        return CalendarLink(reset=reset)

    return parse_link


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
