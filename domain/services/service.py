"""The use cases: each command runs in one transaction, and a refusal writes nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from domain.rules.calendar import Delivery
from domain.rules.deadlines import running_deadlines
from domain.rules.events import Event, EventKind, Facts, latest_standing
from domain.rules.terms import ProfileError, load_profile, parse_profile, profile_text
from domain.rules.violation import RuleViolation
from domain.services import answers
from domain.services.agreement import (
    ADMIN,
    DEFAULT_PROFILE,
    EDITOR,
    READER,
    Agreement,
    Caller,
    terms_from_snapshot,
)
from domain.services.caches import ANSWERS_KEPT, AnswerKey, HistoryCache, Recent
from domain.services.grammar import (
    ADMIN_COMMANDS,
    USAGE,
    Command,
    CutbackRequest,
    DelayCheck,
    Grant,
    Help,
    History,
    Query,
    RecordEvent,
    RemindAt,
    RemindLeads,
    Revoke,
    Setup,
    Undo,
    UsageError,
    parse,
)
from domain.services.replies import Reply
from domain.services.snapshots import Snapshot, Snapshots
from domain.services.summaries import (
    deadline_data,
    deadlines_text,
    event_summary,
    history_data,
    history_text,
    status_data,
    status_text,
    terms_data,
    terms_text,
)
from domain.services.wording import day, days, section
from domain.store.tables import AgreementRow
from domain.store.unit_of_work import AgreementStore, UnitOfWork
from domain.store.version import Version

log = logging.getLogger("regrights.service")

__all__ = ["DEFAULT_PROFILE", "Caller", "ChangeListener", "RegRightsService"]

# Questions whose answers are kept (their commands are hashable; cutback and help read nothing).
CACHED_QUESTIONS = (Query, History, DelayCheck)

# Called inside the write transaction after an agreement's events or settings change.
ChangeListener = Callable[[AgreementStore, Agreement, datetime], None]


class RegRightsService:
    def __init__(
        self,
        uow: UnitOfWork,
        admins: frozenset[str],
        on_change: tuple[ChangeListener, ...] = (),
        profile_dirs: tuple[Path, ...] = (),
    ) -> None:
        self.uow = uow
        self.admins = admins
        self.on_change = on_change
        self.profile_dirs = profile_dirs
        self._answers: Recent[AnswerKey, Reply] = Recent(ANSWERS_KEPT)
        self._histories = HistoryCache()
        self._snapshots = Snapshots()
        self._zones: dict[int, ZoneInfo] = {}  # an agreement's timezone never changes

    # ----------------------------------------------------------------- entry points

    def handle(self, text: str, caller: Caller) -> Reply:
        command = _parsed(text)
        if isinstance(command, Reply):
            return command
        try:
            return self.execute(command, caller)
        except UsageError as exc:
            return Reply.malformed(exc.message, exc.usage)

    def execute(self, command: Command, caller: Caller) -> Reply:
        if isinstance(command, Help):
            return answers.help_reply(command)
        if isinstance(command, Setup):
            return self._setup(command, caller)
        if isinstance(command, RecordEvent | Undo | RemindLeads | RemindAt | Grant | Revoke):
            with self.uow.write() as store:
                agreement = self._bound(store, caller, lock=True)
                if agreement is None:
                    return answers.unbound(caller)
                reply = self._write(store, agreement, command, caller)
                if not reply.ok:
                    store.session.rollback()
                    log.info(
                        "refused %r from %s in %s: %s",
                        command,
                        caller.user,
                        caller.channel,
                        reply.data["error"],
                    )
                return reply
        return self._ask(command, caller)

    def answer_at_once(self, text: str, caller: Caller) -> Reply | None:
        """The answer when it is ready without waiting on the database: help, malformed input,
        or a kept answer to a question whose version is read at once; else None."""
        command = _parsed(text)
        if isinstance(command, Reply):
            return command
        if isinstance(command, Help):
            return answers.help_reply(command)
        if not isinstance(command, CACHED_QUESTIONS):
            return None
        version = self.uow.quick_version(caller.channel, caller.user)
        return None if version is None else self._kept_answer(version, command, caller)

    def bootstrap(self, caller: Caller, profile_id: str = DEFAULT_PROFILE) -> None:
        """For the console and `cmd`: an empty database gets one agreement bound to the channel."""
        with self.uow.write() as store:
            store.lock_setup()
            if store.has_agreements():
                return
            agreement = self._create_agreement(store, profile_id, caller)
            store.bind(caller.channel, agreement.id, caller.user, caller.now)

    def overview(self, user: str, now: datetime) -> list[dict[str, Any]]:
        """Status of each agreement `user` holds a role on (every one, for a configured admin)."""
        with self.uow.read() as store:
            ids = (
                store.agreement_ids() if user in self.admins else store.agreements_granted_to(user)
            )
            found = []
            for agreement_id in ids:
                agreement = self._load(store, agreement_id)
                today = now.astimezone(agreement.terms.zone).date()
                found.append(
                    {
                        **status_data(agreement.terms, agreement.state(), today),
                        "title": agreement.terms.title,
                        "delay_limit": {
                            "max_days": agreement.terms.allowed_delay.max_days,
                            "period_months": agreement.terms.allowed_delay.period_months,
                        },
                        "channels": store.channels_of(agreement_id),
                        "role": self.role_of(store, agreement_id, user),
                    }
                )
            return found

    def role_of(self, store: AgreementStore, agreement_id: int, user: str) -> str:
        if user in self.admins:
            return ADMIN
        return store.grants(agreement_id).get(user, READER)

    # ----------------------------------------------------------------- questions

    def _ask(self, command: Command, caller: Caller) -> Reply:
        with self.uow.read() as store:
            version = store.version(caller.channel, caller.user)
            if version is None:
                return answers.unbound(caller)
            kept = self._kept_answer(version, command, caller)
            if kept is not None:
                return kept
            agreement = self._load(store, version.agreement_id)
        self._zones[agreement.id] = agreement.terms.zone
        reply = self._read(
            agreement, command, caller, insider=self._insider(caller, version.granted)
        )
        # Filed under the history actually read, which may be newer than `version`: a commit
        # can land between the two queries (PostgreSQL reads each statement afresh), and the
        # kept history may already hold events another thread read.
        read = version._replace(last_seq=agreement.events[-1].seq if agreement.events else 0)
        key = self._answer_key(read, command, caller)
        if key is not None:
            self._answers.put(key, reply)
        return reply

    def _kept_answer(self, version: Version, command: Command, caller: Caller) -> Reply | None:
        key = self._answer_key(version, command, caller)
        return None if key is None else self._answers.get(key)

    def _answer_key(self, version: Version, command: Command, caller: Caller) -> AnswerKey | None:
        """Where the answer to `command` is kept; None if it is not kept."""
        zone = self._zones.get(version.agreement_id)
        if zone is None or not isinstance(command, CACHED_QUESTIONS):
            return None
        today = caller.as_of or caller.now.astimezone(zone).date()
        insider = self._insider(caller, version.granted)
        return (version.agreement_id, version.last_seq, insider, today, command)

    def _insider(self, caller: Caller, granted: str | None) -> bool:
        """Whether the asker may see a delay's reason."""
        return caller.user in self.admins or granted in {EDITOR, ADMIN}

    # ----------------------------------------------------------------- loading

    def _bound(
        self, store: AgreementStore, caller: Caller, *, lock: bool = False
    ) -> Agreement | None:
        binding = store.binding(caller.channel)
        if binding is None:
            return None
        if lock:
            # Lock before reading the events, so the history replayed is the latest one.
            store.lock_agreement(binding.agreement_id)
        return self._load(store, binding.agreement_id)

    def _load(self, store: AgreementStore, agreement_id: int) -> Agreement:
        row = store.agreement(agreement_id)
        events = self._histories.read(store, agreement_id)
        return Agreement(row, terms_from_snapshot(row.profile_yaml), events, self._snapshots)

    def _create_agreement(
        self, store: AgreementStore, profile_id: str, caller: Caller
    ) -> Agreement:
        snapshot, source = profile_text(profile_id, self.profile_dirs)
        profile = parse_profile(snapshot, source)
        row = store.add_agreement(
            AgreementRow(
                profile_id=profile.id,
                profile_yaml=snapshot,
                created_at=caller.now,
                created_by=caller.user,
            )
        )
        agreement = Agreement(row, profile, [])
        self._changed(store, agreement, caller)
        return agreement

    def _changed(self, store: AgreementStore, agreement: Agreement, caller: Caller) -> None:
        for listener in self.on_change:
            listener(store, agreement, caller.now)

    # ----------------------------------------------------------------- setup

    def _setup(self, command: Setup, caller: Caller) -> Reply:
        try:
            profile = load_profile(command.profile_id, self.profile_dirs)
        except ProfileError as exc:
            return Reply.malformed("; ".join(exc.problems), USAGE["setup"])
        with self.uow.write() as store:
            store.lock_setup()
            existing = store.agreement_for_profile(profile.id)
            if existing is not None:
                assert existing.id is not None
                if self.role_of(store, existing.id, caller.user) != ADMIN:
                    store.session.rollback()
                    return answers.role_refusal("bind a channel to an agreement", ADMIN)
                agreement = self._load(store, existing.id)
                created = False
            else:
                if self.admins and caller.user not in self.admins:
                    store.session.rollback()
                    return answers.role_refusal("set up a new agreement", ADMIN)
                agreement = self._create_agreement(store, profile.id, caller)
                if not self.admins:
                    # With no REGRIGHTS_ADMINS configured, whoever sets an agreement up runs it.
                    store.grant(agreement.id, caller.user, ADMIN, caller.user, caller.now)
                created = True
            store.bind(caller.channel, agreement.id, caller.user, caller.now)
            agreement_id = agreement.id
        verb = "Set up" if created else "Bound"
        text = (
            f"{verb} *{profile.title}* (`{profile.id}`) for this channel. "
            "Try `status`, `terms` or `help`."
        )
        return Reply(
            ok=True,
            text=text,
            data={
                "ok": True,
                "agreement": profile.id,
                "channel": caller.channel,
                "created": created,
            },
            announcement=text,
            agreement_id=agreement_id,
        )

    # ----------------------------------------------------------------- writes

    def _write(
        self, store: AgreementStore, agreement: Agreement, command: Command, caller: Caller
    ) -> Reply:
        role = self.role_of(store, agreement.id, caller.user)
        if isinstance(command, ADMIN_COMMANDS):
            if role != ADMIN:
                return answers.role_refusal(f"use `{_verb(command)}`", ADMIN)
            return self._administer(store, agreement, command, caller)
        if role not in {EDITOR, ADMIN}:
            return answers.role_refusal("record events", EDITOR)
        if isinstance(command, Undo):
            return self._undo(store, agreement, caller, command.seq, admin=role == ADMIN)
        assert isinstance(command, RecordEvent)
        return self._record(store, agreement, command, caller)

    def _record(
        self, store: AgreementStore, agreement: Agreement, command: RecordEvent, caller: Caller
    ) -> Reply:
        terms = agreement.terms
        today = agreement.today(caller)
        on = command.on or today
        if on > today:
            refused = Reply.refused(
                f"{on} is in the future: record events once they have happened "
                "(only `filing-planned` takes a future date)",
                None,
                f"Refused: {day(on)} is in the future (today is {day(today)}). Record an event "
                "once it has happened; only `filing-planned` takes a future date.",
            )
            if command.kind is EventKind.DELAY:
                allowed = answers.next_delay_start(agreement, today, command.days)
                refused.data["next_start_allowed"] = allowed.isoformat() if allowed else None
            return refused
        if command.reason is not None and command.reason not in terms.allowed_delay.reasons:
            raise UsageError(
                f"`{command.reason}` is not a reason: say "
                + " | ".join(terms.allowed_delay.reasons),
                USAGE["delay"],
            )
        delivery = command.delivery if command.kind in _NOTICE_KINDS else None
        effective_on = agreement.calendar.effective_on(
            on, delivery or Delivery.HAND, terms.notices.mail_business_days
        )
        event = Event(
            seq=store.next_seq(agreement.id),
            kind=command.kind,
            on=on,
            effective_on=effective_on,
            facts=Facts(
                delivery=delivery,
                shares=command.shares,
                days=command.days,
                reason=command.reason,
                ground=command.ground,
                planned_filing=command.planned_filing,
            ),
            actor=caller.user,
            source=f"{caller.source}:{caller.channel}",
            recorded_at=caller.now,
        )
        before = agreement.snapshot()
        try:
            after = before.after(event, agreement.events)
        except RuleViolation as violation:
            return answers.rule_refusal(
                violation, command.kind, agreement, event.seq, today=today, days=command.days
            )
        self._append(store, agreement, event, after, caller)
        return answers.recorded(agreement, event, before.state, after.state, today)

    def _undo(
        self,
        store: AgreementStore,
        agreement: Agreement,
        caller: Caller,
        seq: int | None,
        *,
        admin: bool,
    ) -> Reply:
        target = latest_standing(
            agreement.events,
            lambda e: (admin or e.actor == caller.user) and seq in {None, e.seq},
        )
        if target is None:
            whose = "" if admin else " of yours"
            what = f"#{seq}" if seq is not None else "anything"
            return Reply.refused(
                "nothing to undo",
                None,
                f"There is nothing{whose} to undo: {what} is not a standing event you may retract."
                if seq is not None or not admin
                else "There is nothing to undo.",
            )
        today = agreement.today(caller)
        retraction = Event(
            seq=store.next_seq(agreement.id),
            kind=EventKind.RETRACTION,
            on=today,
            effective_on=today,
            facts=Facts(retracts=target.seq),
            actor=caller.user,
            source=f"{caller.source}:{caller.channel}",
            recorded_at=caller.now,
        )
        try:
            after = agreement.snapshot().after(retraction, agreement.events)
        except RuleViolation as violation:
            return Reply.refused(
                violation.message,
                violation.section,
                f"Refused: undoing #{target.seq} would leave the history inconsistent "
                f"({section(violation.section)}: {violation.message}).",
            )
        self._append(store, agreement, retraction, after, caller)
        summary = event_summary(target, agreement.terms, show_reasons=False)
        return Reply(
            ok=True,
            text=f"Undone: #{target.seq} {summary}. The retraction is recorded as #{retraction.seq}.",
            data={"ok": True, "undone": target.seq, "seq": retraction.seq},
            announcement=f"<@{caller.user}> undid #{target.seq} ({summary}).",
            recorded_seq=retraction.seq,
            agreement_id=agreement.id,
        )

    def _append(
        self,
        store: AgreementStore,
        agreement: Agreement,
        event: Event,
        after: Snapshot,
        caller: Caller,
    ) -> None:
        store.append(agreement.id, event)
        agreement.append(event, after)
        # Kept for other requests only once the event is committed.
        store.after_commit(partial(self._snapshots.keep, agreement.id, after))
        self._changed(store, agreement, caller)

    def _administer(
        self, store: AgreementStore, agreement: Agreement, command: Command, caller: Caller
    ) -> Reply:
        if isinstance(command, Grant):
            store.grant(agreement.id, command.user, command.role, caller.user, caller.now)
            text = f"<@{command.user}> is now an {command.role} of `{agreement.terms.id}`."
            data: dict[str, Any] = {"ok": True, "user": command.user, "role": command.role}
        elif isinstance(command, Revoke):
            if not store.revoke(agreement.id, command.user):
                return Reply.refused(
                    f"{command.user} holds no granted role",
                    None,
                    f"<@{command.user}> holds no granted role on `{agreement.terms.id}`.",
                )
            text = f"<@{command.user}> no longer holds a role on `{agreement.terms.id}`."
            if command.user in self.admins:
                text += " (They stay an admin through REGRIGHTS_ADMINS.)"
            data = {"ok": True, "user": command.user, "role": None}
        elif isinstance(command, RemindLeads):
            agreement.row.alert_leads = ",".join(str(lead) for lead in command.leads)
            store.session.add(agreement.row)
            self._changed(store, agreement, caller)
            text = (
                "Alerts will be posted "
                + ", ".join(days(x) for x in command.leads)
                + " before each deadline."
            )
            data = {"ok": True, "leads": command.leads}
        else:
            assert isinstance(command, RemindAt)
            agreement.row.alert_at = command.at.strftime("%H:%M")
            store.session.add(agreement.row)
            self._changed(store, agreement, caller)
            text = (
                f"Alerts will be posted at {agreement.row.alert_at} ({agreement.terms.timezone})."
            )
            data = {"ok": True, "at": agreement.row.alert_at}
        return Reply(ok=True, text=text, data=data, announcement=text, agreement_id=agreement.id)

    # ----------------------------------------------------------------- reads

    def _read(
        self, agreement: Agreement, command: Command, caller: Caller, *, insider: bool
    ) -> Reply:
        terms = agreement.terms
        today = agreement.today(caller)
        if isinstance(command, CutbackRequest):
            return answers.cutback_reply(terms, command)
        if isinstance(command, Query) and command.name == "terms":
            return Reply(ok=True, text=terms_text(terms), data=terms_data(terms))
        state = agreement.state()
        if isinstance(command, DelayCheck):
            return answers.delay_check(agreement, state, command, today)
        if isinstance(command, History):
            return Reply(
                ok=True,
                text=history_text(agreement.events, command.limit, terms, show_reasons=insider),
                data={
                    "ok": True,
                    "events": history_data(agreement.events, command.limit, show_reasons=insider),
                },
            )
        assert isinstance(command, Query)
        if command.name == "deadlines":
            running = running_deadlines(state, today)
            return Reply(
                ok=True,
                text=deadlines_text(running, today, agreement.calendar),
                data={
                    "ok": True,
                    "as_of": today.isoformat(),
                    "deadlines": [deadline_data(d, today) for d in running],
                },
            )
        data = status_data(terms, state, today)
        return Reply(
            ok=True,
            text=status_text(terms, state, data, agreement.calendar, show_reasons=insider),
            data=data,
            warnings=data["warnings"],
        )


_NOTICE_KINDS = {
    EventKind.DEMAND,
    EventKind.HOLDERS_NOTIFIED,
    EventKind.PIGGYBACK_NOTICE,
}


def _verb(command: Command) -> str:
    return {Grant: "grant", Revoke: "revoke", RemindLeads: "remind", RemindAt: "remind"}.get(
        type(command), "setup"
    )


def _parsed(text: str) -> Command | Reply:
    """The command `text` gives, or the reply saying what is wrong with it."""
    try:
        return parse(text)
    except UsageError as exc:
        return Reply.malformed(exc.message, exc.usage)
