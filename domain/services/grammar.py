"""The one command grammar: Slack, the console and `regrights cmd` all parse text here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from domain.rules.calendar import Delivery
from domain.rules.events import EventKind, TerminationGround

MAX_COMMAND_LENGTH = 1000

DATE = "YYYY-MM-DD"
USAGE: dict[str, str] = {
    "s3-eligible": f"s3-eligible [on {DATE}]",
    "demand": f"demand <shares> [on {DATE}] [by hand|mail]",
    "holders-notified": f"holders-notified [on {DATE}] [by hand|mail]",
    "filing-planned": f"filing-planned <{DATE}>",
    "requested-info-sent": f"requested-info-sent [on {DATE}]",
    "filed": f"filed [on {DATE}]",
    "effective": f"effective [on {DATE}]",
    "stop-order": f"stop-order [on {DATE}]",
    "withdrawn": f"withdrawn [on {DATE}]",
    "suspend": f"suspend [on {DATE}]",
    "resume": f"resume [on {DATE}]",
    "delay": (
        f"delay <days> [from {DATE}] [reason i|ii|iii|iv] · delay extend <days> · "
        f"delay end [on {DATE}] · delay check <days> [from {DATE}]"
    ),
    "piggyback-notice": f"piggyback-notice [on {DATE}] [by hand|mail]",
    "piggyback-requested": f"piggyback-requested <shares> [on {DATE}]",
    "terminated": f"terminated sold-all|rule144|transferred [on {DATE}]",
    "undo": "undo",
    "status": "status",
    "deadlines": "deadlines",
    "history": "history [N]",
    "terms": "terms",
    "help": "help [command]",
    "cutback": "cutback <capacity> <priority>=<requested> <holder>=<requested>:<owned> …",
    "setup": "setup <profile-id>",
    "grant": "grant <@user> editor|admin",
    "revoke": "revoke <@user>",
    "remind": "remind leads 14,7,3,1,0 · remind at HH:MM",
}

# Events recorded with an optional `on DATE` and no other argument.
_PLAIN_EVENTS = {
    "s3-eligible": EventKind.S3_ELIGIBLE,
    "requested-info-sent": EventKind.REQUESTED_INFO_SENT,
    "filed": EventKind.FILED,
    "effective": EventKind.EFFECTIVE,
    "stop-order": EventKind.STOP_ORDER,
    "withdrawn": EventKind.WITHDRAWN,
    "suspend": EventKind.SUSPEND,
    "resume": EventKind.RESUME,
}
# Notices: `on DATE` is the receipt date by hand, or the deposit date by mail (§9(b)).
_NOTICE_EVENTS = {
    "holders-notified": EventKind.HOLDERS_NOTIFIED,
    "piggyback-notice": EventKind.PIGGYBACK_NOTICE,
}


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
)

READ_COMMANDS = (Query, History, Help, DelayCheck, CutbackRequest)
ADMIN_COMMANDS = (Setup, Grant, Revoke, RemindLeads, RemindAt)


def only_reads(text: str) -> bool:
    """Whether `text` asks a question (or is malformed): answering it writes nothing."""
    try:
        return isinstance(parse(text), READ_COMMANDS)
    except UsageError:
        return True


def parse(text: str) -> Command:
    """Parse one command; raises UsageError saying what was wrong."""
    if len(text) > MAX_COMMAND_LENGTH:
        raise UsageError(
            f"that command is {len(text):,} characters long; a command is at most "
            f"{MAX_COMMAND_LENGTH:,}",
            "help",
        )
    words = text.split()
    if not words:
        return Help()
    verb, args = words[0].lower(), words[1:]
    if verb in _PLAIN_EVENTS:
        return _record(verb, _PLAIN_EVENTS[verb], args, allow_delivery=False)
    if verb in _NOTICE_EVENTS:
        return _record(verb, _NOTICE_EVENTS[verb], args, allow_delivery=True)
    parser = _PARSERS.get(verb)
    if parser is None:
        raise UsageError(f"`{_clip(words[0])}` is not a regrights command", _command_list())
    return parser(args)


def _record(verb: str, kind: EventKind, args: list[str], *, allow_delivery: bool) -> RecordEvent:
    options = _Options(verb, args, dates=("on",), delivery=allow_delivery)
    options.no_positionals()
    return RecordEvent(kind, on=options.date("on"), delivery=options.delivery)


class _Options:
    """Positionals first, then `on DATE`, `from DATE`, `by hand|mail`, `reason X` in any order."""

    def __init__(
        self,
        verb: str,
        args: list[str],
        *,
        dates: tuple[str, ...] = (),
        delivery: bool = False,
        reason: bool = False,
    ) -> None:
        self.usage = USAGE[verb]
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
                raise UsageError(f"unexpected `{_clip(args[i])}`", self.usage)
            self.positionals.append(args[i])
            i += 1

    def no_positionals(self) -> None:
        if self.positionals:
            raise UsageError(f"unexpected `{_clip(self.positionals[0])}`", self.usage)

    def exactly(self, count: int, what: str) -> list[str]:
        if len(self.positionals) < count:
            raise UsageError(f"missing {what}", self.usage)
        if len(self.positionals) > count:
            raise UsageError(f"unexpected `{_clip(self.positionals[count])}`", self.usage)
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
            raise UsageError(f"`by {_clip(raw)}`: say `by hand` or `by mail`", self.usage) from None

    @property
    def reason(self) -> str | None:
        raw = self.values.get("reason")
        return None if raw is None else raw.lower()


def parse_date(raw: str, usage: str | None = None) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise UsageError(f"`{_clip(raw)}` is not a date: write {DATE}", usage)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"`{raw}` is not a calendar date", usage) from None


def _positive(raw: str, what: str, usage: str, *, allow_zero: bool = False) -> int:
    cleaned = raw.replace(",", "").replace("_", "")
    if not re.fullmatch(r"\d{1,12}", cleaned):
        raise UsageError(f"{what} must be a whole number, not `{_clip(raw)}`", usage)
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


def _demand(args: list[str]) -> Command:
    options = _Options("demand", args, dates=("on",), delivery=True)
    (shares,) = options.exactly(1, "the number of shares requested")
    return RecordEvent(
        EventKind.DEMAND,
        on=options.date("on"),
        delivery=options.delivery,
        shares=_positive(shares, "the number of shares", options.usage),
    )


def _filing_planned(args: list[str]) -> Command:
    options = _Options("filing-planned", args)
    (planned,) = options.exactly(1, "the anticipated filing date")
    return RecordEvent(EventKind.FILING_PLANNED, planned_filing=parse_date(planned, options.usage))


def _piggyback_requested(args: list[str]) -> Command:
    options = _Options("piggyback-requested", args, dates=("on",))
    (shares,) = options.exactly(1, "the number of shares requested")
    return RecordEvent(
        EventKind.PIGGYBACK_REQUESTED,
        on=options.date("on"),
        shares=_positive(shares, "the number of shares", options.usage),
    )


def _terminated(args: list[str]) -> Command:
    options = _Options("terminated", args, dates=("on",))
    (raw,) = options.exactly(1, "the ground: sold-all, rule144 or transferred")
    try:
        ground = TerminationGround(raw.lower())
    except ValueError:
        raise UsageError(
            f"`{_clip(raw)}` is not a ground: say sold-all, rule144 or transferred", options.usage
        ) from None
    return RecordEvent(EventKind.TERMINATED, on=options.date("on"), ground=ground)


def _delay(args: list[str]) -> Command:
    usage = USAGE["delay"]
    if not args:
        raise UsageError("missing the number of days", usage)
    sub = args[0].lower()
    if sub == "extend":
        options = _Options("delay", args[1:])
        (days,) = options.exactly(1, "the number of days to add")
        return RecordEvent(EventKind.DELAY_EXTEND, days=_days(days, usage))
    if sub == "end":
        options = _Options("delay", args[1:], dates=("on",))
        options.no_positionals()
        return RecordEvent(EventKind.DELAY_END, on=options.date("on"))
    if sub == "check":
        options = _Options("delay", args[1:], dates=("from",))
        (days,) = options.exactly(1, "the number of days")
        return DelayCheck(_days(days, usage), options.date("from"))
    options = _Options("delay", args, dates=("from",), reason=True)
    (days,) = options.exactly(1, "the number of days")
    return RecordEvent(
        EventKind.DELAY, on=options.date("from"), days=_days(days, usage), reason=options.reason
    )


def _undo(args: list[str]) -> Command:
    _Options("undo", args).no_positionals()
    return Undo()


def _query(name: str) -> Callable[[list[str]], Command]:
    def parse_query(args: list[str]) -> Command:
        _Options(name, args).no_positionals()
        return Query(name)

    return parse_query


def _history(args: list[str]) -> Command:
    options = _Options("history", args)
    if not options.positionals:
        return History()
    (limit,) = options.exactly(1, "")
    count = _positive(limit, "the number of events", options.usage)
    return History(HISTORY_CAP, count) if count > HISTORY_CAP else History(count)


def _help(args: list[str]) -> Command:
    if len(args) > 1:
        raise UsageError(f"unexpected `{_clip(args[1])}`", USAGE["help"])
    topic = args[0].lower() if args else None
    if topic is not None and topic not in USAGE:
        raise UsageError(f"there is no command `{_clip(topic)}`", _command_list())
    return Help(topic)


def _cutback(args: list[str]) -> Command:
    usage = USAGE["cutback"]
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
        raise UsageError(f"`{_clip(raw)}` is not of the form {form}", usage)
    requested = _positive(match.group(2), "shares requested", usage, allow_zero=True)
    held = _positive(match.group(3), "shares owned", usage, allow_zero=True) if owned else 0
    return match.group(1), requested, held


def _setup(args: list[str]) -> Command:
    options = _Options("setup", args)
    (profile_id,) = options.exactly(1, "the profile id (e.g. nstor-2002)")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", profile_id):
        raise UsageError(f"`{_clip(profile_id)}` is not a profile id", options.usage)
    return Setup(profile_id)


def parse_user(raw: str, usage: str) -> str:
    """A Slack mention `<@U123|name>`, `@U123` or a bare user id."""
    match = re.fullmatch(r"<@([A-Z0-9]{1,64})(?:\|[^>]*)?>|@?([A-Za-z0-9._-]{1,64})", raw)
    if not match:
        raise UsageError(f"`{_clip(raw)}` is not a user: mention them as @name", usage)
    return match.group(1) or match.group(2)


def _grant(args: list[str]) -> Command:
    options = _Options("grant", args)
    user, role = options.exactly(2, "the user and the role (editor or admin)")
    if role.lower() not in {"editor", "admin"}:
        raise UsageError(f"`{_clip(role)}` is not a role: say editor or admin", options.usage)
    return Grant(parse_user(user, options.usage), role.lower())


def _revoke(args: list[str]) -> Command:
    options = _Options("revoke", args)
    (user,) = options.exactly(1, "the user")
    return Revoke(parse_user(user, options.usage))


def _remind(args: list[str]) -> Command:
    usage = USAGE["remind"]
    if len(args) != 2 or args[0].lower() not in {"leads", "at"}:
        raise UsageError("say `remind leads 14,7,3,1,0` or `remind at 09:00`", usage)
    if args[0].lower() == "leads":
        parts = args[1].split(",")
        leads = [_positive(p, "a lead", usage, allow_zero=True) for p in parts]
        if any(lead > 365 for lead in leads) or len(leads) > 20:
            raise UsageError("at most 20 leads, each 0 to 365 days", usage)
        return RemindLeads(sorted(set(leads), reverse=True))
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", args[1])
    if not match:
        raise UsageError(f"`{_clip(args[1])}` is not a time: write HH:MM (24-hour)", usage)
    return RemindAt(time(int(match.group(1)), int(match.group(2))))


def _command_list() -> str:
    return "commands: " + ", ".join(USAGE) + " (`help <command>` for one)"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_PARSERS: dict[str, Callable[[list[str]], Command]] = {
    "demand": _demand,
    "filing-planned": _filing_planned,
    "piggyback-requested": _piggyback_requested,
    "terminated": _terminated,
    "delay": _delay,
    "undo": _undo,
    "status": _query("status"),
    "deadlines": _query("deadlines"),
    "terms": _query("terms"),
    "history": _history,
    "help": _help,
    "cutback": _cutback,
    "setup": _setup,
    "grant": _grant,
    "revoke": _revoke,
    "remind": _remind,
}
