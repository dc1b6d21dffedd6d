"""The use cases' entry point: a command is parsed against the command table, then run in one
transaction by its handler; a refusal writes nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.rules.events import Event
from domain.rules.terms import TermsProfile, read_profile
from domain.services import importing
from domain.services.agreement import (
    ADMIN,
    DEFAULT_PROFILE,
    EDITOR,
    READER,
    Agreement,
    Caller,
    terms_from_snapshot,
)
from domain.services.answers import RoleRefused, Unbound
from domain.services.commands import Access, CommandSpec, Parsed, parse_command
from domain.services.context import Context
from domain.services.grammar import UsageError
from domain.services.identifiers import caller_refusal
from domain.services.loading import agreement_of, load_agreement
from domain.services.replies import Reply
from domain.services.snapshots import History, Snapshot, Snapshots
from domain.services.views import status_answer

if TYPE_CHECKING:
    from domain.store.agreement_store import AgreementStore
    from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.service")

__all__ = ["DEFAULT_PROFILE", "Caller", "ChangeListener", "RegRightsService"]

# Called inside the write transaction after an agreement's events or settings change.
ChangeListener = Callable[["AgreementStore", Agreement, datetime], None]
# Called inside a write's transaction with its successful reply, before the commit.
BeforeCommit = Callable[["AgreementStore", Reply], None]

# The roles that may run a command of each access.
ALLOWED_ROLES = {
    Access.ANYONE: {READER, EDITOR, ADMIN},
    Access.EDITOR: {EDITOR, ADMIN},
    Access.ADMIN: {ADMIN},
}


@dataclass(frozen=True)
class Seat:
    profile_id: str
    title: str
    role: str


class RegRightsService:
    def __init__(
        self,
        uow: UnitOfWork,
        admins: frozenset[str],
        on_change: tuple[ChangeListener, ...] = (),
        profile_dirs: tuple[Path, ...] = (),
        public_url: str | None = None,
    ) -> None:
        self.uow = uow
        self.admins = admins
        self.on_change = on_change
        self.profile_dirs = profile_dirs
        self.public_url = public_url  # where the calendar feed is served, for `calendar link`
        self._snapshots = Snapshots()

    # ----------------------------------------------------------------- entry points

    def handle(self, text: str, caller: Caller) -> Reply:
        refusal = caller_refusal(caller.user, caller.channel)
        if refusal is not None:
            return refusal
        try:
            return self.execute(parse_command(text), caller)
        except UsageError as exc:
            return Reply.malformed(exc.message, exc.usage)

    def execute(
        self, parsed: Parsed, caller: Caller, before_commit: BeforeCommit | None = None
    ) -> Reply:
        """Run a parsed command; `before_commit` is given a write's successful reply inside its
        transaction (a front's record of what it still owes, committed with the write)."""
        spec = parsed.spec
        if not spec.needs_agreement:
            reply = spec.handler(Context(self, caller, usage=spec.usage), parsed.command)
            if not reply.ok and spec.access is not Access.ANYONE:
                log_refusal(spec.name, caller, reply)
            return reply
        if spec.access is Access.ANYONE:
            return self._ask(parsed, caller)
        with self.uow.write() as store:
            agreement = self._bound(store, caller)
            if agreement is None:
                log_refusal(spec.name, caller, unbound(caller))
                return unbound(caller)
            reply = self._write(store, agreement, parsed, caller)
            if not reply.ok:
                store.roll_back()
                log_refusal(spec.name, caller, reply)
            elif before_commit is not None:
                before_commit(store, reply)
            return reply

    def _write(
        self, store: AgreementStore, agreement: Agreement, parsed: Parsed, caller: Caller
    ) -> Reply:
        spec = parsed.spec
        role = self.role_of(store, agreement.id, caller.user)
        if role not in ALLOWED_ROLES[spec.access]:
            return role_refusal(spec)
        context = Context(self, caller, agreement, store, role, usage=spec.usage)
        return spec.handler(context, parsed.command)

    def import_history(self, text: str, caller: Caller) -> Reply:
        """Record one command per line of `text` in one transaction: all, or none and the
        reply naming the first line malformed or refused. Each line is judged as recorded by
        itself after the lines before it; the next alert is set once, after the last."""
        parsed, failure = importing.parse_lines(importing.command_lines(text))
        if failure is not None:
            return failure
        with self.uow.write() as store:
            agreement = self._bound(store, caller)
            if agreement is None:
                return unbound(caller)
            before, known = agreement.state(), len(agreement.events)
            role = self.role_of(store, agreement.id, caller.user)
            for line, command in parsed:
                spec = command.spec
                if role not in ALLOWED_ROLES[spec.access]:
                    refusal: Reply | None = role_refusal(spec)
                else:
                    context = Context(self, caller, agreement, store, role, usage=spec.usage)
                    try:
                        refusal = importing.record_line(context, command)
                    except UsageError as exc:
                        refusal = Reply.malformed(exc.message, exc.usage)
                if refusal is not None:
                    store.roll_back()
                    return importing.line_failed(line, refusal)
                if spec.access is Access.ADMIN:  # a grant or revoke may change the role
                    role = self.role_of(store, agreement.id, caller.user)
            if len(agreement.events) > known:
                self.recorded(store, agreement, caller)
            return importing.imported(len(parsed), before, agreement, agreement.today(caller))

    def bootstrap(self, caller: Caller, profile_id: str = DEFAULT_PROFILE) -> None:
        """For the console and `cmd`: an empty database gets one agreement bound to the channel.
        Read first: once set up, a question takes no write lock (SQLite has one for all).
        Ids that cannot be kept set nothing up; `handle` refuses them."""
        if caller_refusal(caller.user, caller.channel) is not None:
            return
        with self.uow.question() as asked:
            if asked.has_agreements():
                return
        with self.uow.write() as store:
            store.lock_setup()
            if store.has_agreements():
                return
            agreement = self.create_agreement(store, profile_id, caller)
            store.bind(caller.channel, agreement.id, caller.user, caller.now)

    def overview(self, user: str, now: datetime) -> list[dict[str, Any]]:
        """Status of each agreement `user` holds a role on (every one, for a configured admin)."""
        with self.uow.read() as store:
            ids = (
                store.agreement_ids() if user in self.admins else store.agreements_granted_to(user)
            )
            found = []
            for agreement_id in ids:
                agreement = self.load(store, agreement_id)
                today = now.astimezone(agreement.terms.zone).date()
                found.append(
                    {
                        **status_answer(
                            agreement.state(), today, agreement.calendar, show_reasons=False
                        ).json(),
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

    def seat(self, caller: Caller) -> Seat | None:
        """The agreement bound to the caller's channel and the caller's role on it."""
        with self.uow.read() as store:
            binding = store.binding(caller.channel)
            if binding is None:
                return None
            row = store.agreement(binding.agreement_id)
            terms = terms_from_snapshot(row.profile_yaml)
            return Seat(
                terms.id, terms.title, self.role_of(store, binding.agreement_id, caller.user)
            )

    def role_of(self, store: AgreementStore, agreement_id: int, user: str) -> str:
        if user in self.admins:
            return ADMIN
        return store.grants(agreement_id).get(user, READER)

    # ----------------------------------------------------------------- for the handlers

    def load(
        self,
        store: AgreementStore,
        agreement_id: int,
        last_seq: int | None = None,
        through: date | None = None,
    ) -> Agreement:
        """The agreement with its history (see `load_agreement`), replayed at most once."""
        return load_agreement(
            store, agreement_id, last_seq=last_seq, through=through, snapshots=self._snapshots
        )

    def create_agreement(
        self,
        store: AgreementStore,
        profile_id: str,
        caller: Caller,
        read: tuple[str, TermsProfile] | None = None,
    ) -> Agreement:
        """`read`: the profile's YAML and validated terms when already read (from a file)."""
        from domain.store.tables import AgreementRow  # the ORM loads only when something is written

        snapshot, profile = read or read_profile(profile_id, self.profile_dirs)
        row = store.add_agreement(
            AgreementRow(
                profile_id=profile.id,
                profile_yaml=snapshot,
                created_at=caller.now,
                created_by=caller.user,
            )
        )
        agreement = Agreement(row, profile, [])
        self.changed(store, agreement, caller)
        return agreement

    def append(
        self,
        store: AgreementStore,
        agreement: Agreement,
        event: Event,
        after: Snapshot,
        caller: Caller,
    ) -> None:
        """Records `event`, which gives the snapshot `after`, inside the write transaction."""
        self.add_event(store, agreement, event, after)
        self.recorded(store, agreement, caller)

    def add_event(
        self, store: AgreementStore, agreement: Agreement, event: Event, after: Snapshot
    ) -> None:
        """`append` for one of many events recorded together; `recorded` follows the last."""
        # Kept with its stored hash, as a reading of the history would give it.
        stored = replace(event, stored_hash=store.append(agreement.id, event))
        agreement.append(stored, after)

    def recorded(self, store: AgreementStore, agreement: Agreement, caller: Caller) -> None:
        """New events were added to `agreement` in this write transaction."""
        # Kept for other requests only once the events are committed.
        history = History.of(agreement.events, agreement.snapshot())
        store.after_commit(partial(self._snapshots.keep, agreement.id, history))
        self.changed(store, agreement, caller)

    def changed(self, store: AgreementStore, agreement: Agreement, caller: Caller) -> None:
        """An agreement's events or settings changed, inside the write transaction."""
        for listener in self.on_change:
            listener(store, agreement, agreement.clock(caller))

    # ----------------------------------------------------------------- questions

    def _ask(self, parsed: Parsed, caller: Caller) -> Reply:
        """A question, answered from the history as it stood on the asker's day."""
        with self.uow.question() as store:
            version = store.version(caller.channel, caller.user)
            if version is None:
                return unbound(caller)
            row = version.agreement
            day = (
                caller.as_of
                or caller.now.astimezone(terms_from_snapshot(row.profile_yaml).zone).date()
            )
            agreement = agreement_of(
                row, store, last_seq=version.last_seq, through=day, snapshots=self._snapshots
            )
        insider = self._insider(caller, version.granted)
        context = Context(self, caller, agreement, insider=insider, usage=parsed.spec.usage)
        return parsed.spec.handler(context, parsed.command)

    def _insider(self, caller: Caller, granted: str | None) -> bool:
        """Whether the asker may see a delay's reason."""
        return caller.user in self.admins or granted in {EDITOR, ADMIN}

    def _bound(self, store: AgreementStore, caller: Caller) -> Agreement | None:
        binding = store.binding(caller.channel)
        if binding is None:
            return None
        # Lock before reading the events, so the history replayed is the latest one.
        store.lock_agreement(binding.agreement_id)
        return self.load(store, binding.agreement_id)


def log_refusal(command: str, caller: Caller, reply: Reply) -> None:
    """A refused write, logged with who and where (SPEC §6). By its command's name only: a
    delay's reason is never logged (§2(d))."""
    log.info(
        "refused %s from %s in %s: %s",
        command,
        caller.user,
        caller.channel,
        reply.data.get("error", "refused"),
    )


def unbound(caller: Caller) -> Reply:
    return Reply.refused(
        Unbound(caller.channel, DEFAULT_PROFILE),
        f"this channel is not bound to an agreement: bind it with `setup {DEFAULT_PROFILE}`",
        channel=caller.channel,
    )


def role_refusal(spec: CommandSpec) -> Reply:
    needed = ADMIN if spec.access is Access.ADMIN else EDITOR
    records = spec.access is Access.EDITOR
    what = "record events" if records else f"use `{spec.name}`"
    return Reply.refused(RoleRefused(spec.name, needed, records), f"only an {needed} may {what}")
