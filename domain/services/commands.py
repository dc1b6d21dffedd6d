"""The table of commands: each declared once, with its words, its parser, its handler, the role
it needs and its help. Slack, the console and `regrights cmd` all parse text here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from enum import Enum
from typing import Any

from domain.rules.events import EventKind
from domain.services import grammar
from domain.services.answers import Help as HelpAnswer
from domain.services.answers import HelpTopic
from domain.services.context import Context
from domain.services.grammar import DATE, MAX_COMMAND_LENGTH, Command, Help, Parser, UsageError
from domain.services.handlers import administering, asking, counsel, notices, recording
from domain.services.replies import Reply

Handler = Callable[[Context, Any], Reply]


class Access(Enum):
    """Who may run a command, and so which group of the help it is listed in."""

    ANYONE = "Asking (anyone in the channel)"
    EDITOR = "Recording (editors, admins)"
    ADMIN = "Administering (admins)"


@dataclass(frozen=True)
class CommandSpec:
    name: str  # its words: `delay extend`
    usage: str
    parse: Parser
    handler: Handler
    access: Access
    does: str  # what it records or answers
    section: str | None
    clock: str | None  # the clock it starts or closes
    example: str
    needs_agreement: bool = True  # false for `help` and `setup`

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def topic(self) -> HelpTopic:
        return HelpTopic(
            self.name,
            self.usage,
            self.access.value,
            self.does,
            self.clock,
            self.section,
            self.example,
        )


@dataclass(frozen=True)
class Parsed:
    spec: CommandSpec
    command: Command


ON = f"[on {DATE}]"
BY = "[by hand|mail]"


def _event(
    name: str,
    kind: EventKind,
    does: str,
    section: str,
    clock: str | None,
    example: str,
    *,
    notice: bool = False,
) -> CommandSpec:
    """A recording command that takes only `on DATE` (and `by hand|mail` for a notice)."""
    return CommandSpec(
        name,
        f"{name} {ON} {BY}" if notice else f"{name} {ON}",
        grammar.record_notice(kind) if notice else grammar.record_plain(kind),
        recording.record_event,
        Access.EDITOR,
        does,
        section,
        clock,
        example,
    )


def help_command(ctx: Context, command: Help) -> Reply:
    topic = command.topic
    if topic is None:
        shown = list(COMMANDS)
    else:
        shown = [s for s in COMMANDS if s.name == topic or s.name.startswith(topic + " ")]
    return Reply.answered(HelpAnswer([s.topic() for s in shown], detailed=topic is not None))


COMMANDS: tuple[CommandSpec, ...] = (
    # ------------------------------------------------------------------ recording
    _event(
        "s3-eligible",
        EventKind.S3_ELIGIBLE,
        "Records the day the Company became eligible for Short-Form (S-3) Registration; "
        "the Investor may demand only from then on.",
        "2(a)(i)",
        None,
        "s3-eligible on 2026-01-05",
    ),
    CommandSpec(
        "demand",
        f"demand <shares> {ON} {BY}",
        grammar.demand,
        recording.record_event,
        Access.EDITOR,
        "Records the Investor's request for a Demand Registration, as received (by hand) or "
        "deposited (by mail, effective four business days later under §9(b)).",
        "2(a)",
        "starts the 10-day notice to all other security holders",
        "demand 250000 on 2026-03-02 by mail",
    ),
    _event(
        "holders-notified",
        EventKind.HOLDERS_NOTIFIED,
        "Records the Company's notice of the Demand Registration to all other security holders.",
        "2(a)",
        "closes the 10-day notice; starts the holders' 15-day inclusion window",
        "holders-notified on 2026-03-10 by hand",
        notice=True,
    ),
    CommandSpec(
        "filing-planned",
        f"filing-planned <{DATE}> {ON}",
        grammar.filing_planned,
        recording.record_event,
        Access.EDITOR,
        "Records the first anticipated filing date of the Registration Statement; `on` is the "
        "day the plan was made (today by default).",
        "4(a)",
        "starts the Requested Information notice, due 15 days before that date",
        "filing-planned 2026-09-15 on 2026-08-01",
    ),
    _event(
        "requested-info-sent",
        EventKind.REQUESTED_INFO_SENT,
        "Records the Company's notice to the Investor of the information it requires, given on "
        "delivery or on deposit in the mail (§9(b)).",
        "4(a)",
        "closes the Requested Information notice",
        "requested-info-sent on 2026-08-20 by mail",
        notice=True,
    ),
    _event(
        "filed",
        EventKind.FILED,
        "Records the filing of the Registration Statement.",
        "2(a)(ii)(F)",
        "starts the 180-day effectiveness deadline; closes the Requested Information notice",
        "filed on 2026-09-15",
    ),
    _event(
        "effective",
        EventKind.EFFECTIVE,
        "Records that the Registration Statement became effective.",
        "2(a)(ii)",
        "closes the 180-day effectiveness deadline",
        "effective on 2027-01-20",
    ),
    _event(
        "stop-order",
        EventKind.STOP_ORDER,
        "Records a stop order interfering with the registration: it is not deemed effected, "
        "and sales are suspended.",
        "2(a)(ii)(A)",
        None,
        "stop-order on 2026-10-01",
    ),
    CommandSpec(
        "withdrawn",
        f"withdrawn [misstatement|other] {ON}",
        grammar.withdrawn,
        recording.record_event,
        Access.EDITOR,
        "Records the Investor's withdrawal of its request and its ground: over an uncorrected "
        "misstatement (§2(a)(ii)(C)) or another; either way the registration is not deemed "
        "effected, the second by the reading of (A) that `status` flags.",
        "2(a)(ii)(C)",
        "closes the 180-day effectiveness deadline",
        "withdrawn misstatement on 2026-10-05",
    ),
    _event(
        "suspend",
        EventKind.SUSPEND,
        "Records a §3(e) misstatement notice: the Investor stops selling until the supplemented "
        "prospectus arrives.",
        "4(c)",
        None,
        "suspend on 2026-11-02",
    ),
    _event(
        "resume",
        EventKind.RESUME,
        "Records delivery of the supplemented prospectus: sales may resume.",
        "4(c)",
        None,
        "resume on 2026-11-09",
    ),
    CommandSpec(
        "delay",
        f"delay <days> [from {DATE}] [reason i|ii|iii|iv]",
        grammar.delay,
        recording.record_event,
        Access.EDITOR,
        "Records an Allowed Delay of filing and of sales: at most 90 days in any 12 months and "
        "one beginning in any 12 months. Its reason is shown only to editors and admins.",
        "2(d)",
        "starts the delay's expiry (sales resume on the day it expires)",
        "delay 30 reason iii",
    ),
    CommandSpec(
        "delay extend",
        f"delay extend <days> {ON}",
        grammar.delay_extend,
        recording.record_event,
        Access.EDITOR,
        "Lengthens the running Allowed Delay, under the same caps.",
        "2(d)",
        "moves the delay's expiry later",
        "delay extend 10",
    ),
    CommandSpec(
        "delay end",
        f"delay end {ON}",
        grammar.delay_end,
        recording.record_event,
        Access.EDITOR,
        "Ends the running Allowed Delay early; its days still count against the caps.",
        "2(d)",
        "closes the delay's expiry",
        "delay end on 2026-12-01",
    ),
    _event(
        "piggyback-notice",
        EventKind.PIGGYBACK_NOTICE,
        "Records the Company's notice to the Investor of a registration it may join.",
        "2(b)(i)",
        "starts the Investor's 20-day piggyback request window",
        "piggyback-notice on 2026-04-01 by mail",
        notice=True,
    ),
    CommandSpec(
        "piggyback-requested",
        f"piggyback-requested <shares> {ON}",
        grammar.piggyback_requested,
        recording.record_event,
        Access.EDITOR,
        "Records the Investor's request to include shares in the Company's registration.",
        "2(b)(i)",
        "closes the piggyback request window",
        "piggyback-requested 100000 on 2026-04-15",
    ),
    CommandSpec(
        "terminated",
        f"terminated sold-all|rule144|transferred {ON}",
        grammar.terminated,
        recording.record_event,
        Access.EDITOR,
        "Records a ground of the Termination Date: from then on no demand is accepted.",
        "2(a)(i)",
        None,
        "terminated rule144 on 2027-06-01",
    ),
    CommandSpec(
        "undo",
        "undo",
        grammar.undo,
        recording.undo,
        Access.EDITOR,
        "Retracts your most recent standing event (an admin's: anyone's); the retraction is "
        "itself recorded.",
        None,
        "reopens or restores the clocks the event had closed or started",
        "undo",
    ),
    # ------------------------------------------------------------------ asking
    CommandSpec(
        "status",
        "status",
        grammar.query("status"),
        asking.status,
        Access.ANYONE,
        "Shows the demand right, the Allowed Delay budget, whether sales may proceed, the "
        "Termination Date and the running deadlines.",
        None,
        None,
        "status",
    ),
    CommandSpec(
        "deadlines",
        "deadlines",
        grammar.query("deadlines"),
        asking.deadlines,
        Access.ANYONE,
        "Lists every running deadline with its section, due date and days left.",
        None,
        None,
        "deadlines",
    ),
    CommandSpec(
        "compliance",
        "compliance",
        grammar.query("compliance"),
        asking.compliance,
        Access.ANYONE,
        "Lists every deadline that has run, with its outcome: met, late (and by how many days), "
        "missed, open, lapsed or superseded.",
        None,
        None,
        "compliance",
    ),
    CommandSpec(
        "history",
        "history [N]",
        grammar.history,
        asking.history,
        Access.ANYONE,
        "Lists the last N recorded events (10 by default, 200 at most), newest first, with who "
        "recorded each and from where.",
        None,
        None,
        "history 20",
    ),
    CommandSpec(
        "terms",
        "terms",
        grammar.query("terms"),
        asking.terms,
        Access.ANYONE,
        "Shows the clocks of this agreement with their sections, and its drafting defects.",
        None,
        None,
        "terms",
    ),
    CommandSpec(
        "delay check",
        f"delay check <days> [from {DATE}]",
        grammar.delay_check,
        asking.delay_check,
        Access.ANYONE,
        "Says whether an Allowed Delay of that many days could begin on that day. Records nothing.",
        "2(d)",
        None,
        "delay check 30 from 2026-12-01",
    ),
    CommandSpec(
        "cutback",
        "cutback <capacity> <priority>=<requested> <holder>=<requested>:<owned> …",
        grammar.cutback_request,
        asking.cutback_shares,
        Access.ANYONE,
        "Allocates an underwriter's cutback: the priority claim first, the rest pro rata, "
        "by shares owned (§2(b)(ii)/(iii)) and by shares requested (§2(b)(iv)).",
        "2(b)(ii)-(iv)",
        None,
        "cutback 1000000 company=600000 investor=500000:2000000 other=100000:500000",
    ),
    CommandSpec(
        "notice",
        f"notice delay|holders|requested-info|piggyback [filing {DATE}] {ON} {BY}",
        grammar.notice,
        notices.draft,
        Access.ANYONE,
        "Drafts the Company's written notice as a Word file, dated the day it is given (today, "
        "or a later `on` day): the Delay Notice (its existence, never its reason), the notice "
        "of a demand to the other holders, the Requested Information notice or the piggyback "
        "notice, with the dates the clocks give, the day it is given and the day it takes "
        "effect under §9(b). A piggyback notice is for a registration the Company proposes, "
        "not the Investor's demand: it is the one recorded with `filing-planned` when no "
        "demand is pending; otherwise name it by its anticipated filing date, "
        "`notice piggyback filing YYYY-MM-DD`.",
        "9(b)",
        None,
        "notice piggyback filing 2026-09-01 by mail",
    ),
    CommandSpec(
        "timeline",
        "timeline",
        grammar.timeline,
        counsel.timeline,
        Access.ANYONE,
        "Draws the Allowed Delays, the 12-month windows that bind the next one with their "
        "delay days of 90, the deadlines and today (in Slack a picture shared in the channel).",
        "2(d)",
        None,
        "timeline",
    ),
    CommandSpec(
        "help",
        "help [command]",
        grammar.help_topic,
        help_command,
        Access.ANYONE,
        "Lists the commands, or explains one.",
        None,
        None,
        "help delay extend",
        needs_agreement=False,
    ),
    # ------------------------------------------------------------------ administering
    CommandSpec(
        "setup",
        "setup <profile-id>|<PROFILE.yaml>",
        grammar.setup,
        administering.setup,
        Access.ADMIN,
        "Binds this channel to the agreement of a terms profile (a bundled id, or from the "
        "command line a profile file), setting it up if new.",
        None,
        None,
        "setup nstor-2002",
        needs_agreement=False,
    ),
    CommandSpec(
        "grant",
        "grant <@user> editor|admin",
        grammar.grant,
        administering.grant,
        Access.ADMIN,
        "Gives someone the editor role (may record events) or the admin role.",
        None,
        None,
        "grant @jane editor",
    ),
    CommandSpec(
        "revoke",
        "revoke <@user>",
        grammar.revoke,
        administering.revoke,
        Access.ADMIN,
        "Takes away a granted role.",
        None,
        None,
        "revoke @jane",
    ),
    CommandSpec(
        "remind leads",
        "remind leads 14,7,3,1,0",
        grammar.remind_leads,
        administering.remind_leads,
        Access.ADMIN,
        "Sets how many days before each deadline the alerts are posted.",
        None,
        None,
        "remind leads 10,5,1,0",
    ),
    CommandSpec(
        "remind at",
        "remind at HH:MM",
        grammar.remind_at,
        administering.remind_at,
        Access.ADMIN,
        "Sets the time of day (the agreement's timezone) at which alerts are posted.",
        None,
        None,
        "remind at 08:30",
    ),
    CommandSpec(
        "calendar link",
        "calendar link",
        grammar.calendar_link(reset=False),
        counsel.calendar_link,
        Access.ADMIN,
        "Tells you alone the address of the agreement's calendar feed, one all-day event per "
        "deadline, to subscribe to in Outlook or Google Calendar (never a delay's reason). The "
        "address is shown once, when it is made: the bot keeps only its digest, so asked again "
        "it says who got it and when, and `calendar reset` makes a new one.",
        None,
        None,
        "calendar link",
    ),
    CommandSpec(
        "calendar reset",
        "calendar reset",
        grammar.calendar_link(reset=True),
        counsel.calendar_link,
        Access.ADMIN,
        "Makes a new calendar feed address; the old one stops working at once.",
        None,
        None,
        "calendar reset",
    ),
)

_BY_WORDS = {spec.words: spec for spec in COMMANDS}
_LONGEST = max(len(words) for words in _BY_WORDS)


def spec_named(name: str) -> CommandSpec:
    return _BY_WORDS[tuple(name.split())]


def parse_command(text: str) -> Parsed:
    """The command `text` gives; raises UsageError saying what was wrong."""
    if len(text) > MAX_COMMAND_LENGTH:
        raise UsageError(
            f"that command is {len(text):,} characters long; a command is at most "
            f"{MAX_COMMAND_LENGTH:,}",
            "help",
        )
    words = text.split()
    if not words:
        return Parsed(spec_named("help"), Help())
    lowered = [w.lower() for w in words]
    for length in range(min(_LONGEST, len(words)), 0, -1):
        spec = _BY_WORDS.get(tuple(lowered[:length]))
        if spec is not None:
            command = spec.parse(words[length:], spec.usage)
            if isinstance(command, Help) and command.topic is not None:
                _known_topic(command.topic)
            return Parsed(spec, command)
    family = [s.usage for s in COMMANDS if s.words[0] == lowered[0]]
    if family:
        raise UsageError("say " + " or ".join(f"`{usage}`" for usage in family), " · ".join(family))
    raise _unknown(f"`{grammar.clip(words[0])}` is not a regrights command", lowered[0])


def _known_topic(topic: str) -> None:
    if not any(s.name == topic or s.name.startswith(topic + " ") for s in COMMANDS):
        raise _unknown(f"there is no command `{grammar.clip(topic)}`", topic.split()[0])


def _unknown(message: str, word: str) -> UsageError:
    """A word that names no command: the nearest command, if one is near (a typo), with its
    usage; else the list of commands."""
    names = list(dict.fromkeys(s.words[0] for s in COMMANDS))
    near = get_close_matches(word, names, n=1, cutoff=0.75)
    if not near:
        return UsageError(message, command_list())
    usages = " · ".join(s.usage for s in COMMANDS if s.words[0] == near[0])
    return UsageError(f"{message}: did you mean `{near[0]}`?", usages)


def read_command(text: str) -> Parsed | UsageError:
    """`parse_command`, what is wrong returned rather than raised: for a front that decides
    several things from one reading of the text."""
    try:
        return parse_command(text)
    except UsageError as malformed:
        return malformed


def only_reads(asked: Parsed | UsageError) -> bool:
    """Whether what was asked is a question (or malformed): answering it writes nothing."""
    return isinstance(asked, UsageError) or asked.spec.access is Access.ANYONE


def command_list() -> str:
    names = dict.fromkeys(s.words[0] for s in COMMANDS)
    return "commands: " + ", ".join(names) + " (help <command> explains one)"
