"""One alert pass: each agreement whose next alert has come, each alert posted exactly once.

A slot is claimed by committing its rows as "sending" before the post, under a lock that lives
only as long as this process (see `locks`). A later pass that holds the lock and finds a row
still "sending" knows its poster is gone or failed: it looks for the alert in the channel by
its metadata key, marks it posted if there, and posts it only if not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.alerts.message import alert_key, alert_message
from bot.alerts.poster import AlertMessage, Poster, PostFailed
from bot.alerts.report import AlertOutcome, PassReport
from bot.alerts.schedule import deadlines_of, local_today, reschedule, schedule_of
from domain.rules.alert_plan import Slot, latest_slot, plan_alerts
from domain.services.agreement import Agreement
from domain.services.loading import load_agreement, load_agreements
from domain.store.alert_ledger import POSTED, SENDING, SKIPPED
from domain.store.tables import AlertRow
from domain.store.unit_of_work import UnitOfWork

log = logging.getLogger("regrights.alerts")

# Posts tried per alert in one pass; a failure that may have reached Slack is checked for first.
TRIES_PER_PASS = 2
# Agreements a dry run reads at a time.
PREVIEW_BATCH = 500


@dataclass(frozen=True)
class _Claim:
    row_id: int
    channel: str
    deadline_key: str
    slot_key: str
    key: str
    since: datetime


def _claim_of(row: AlertRow) -> _Claim:
    assert row.id is not None
    key = alert_key(row.agreement_id, row.deadline_key, row.slot_key)
    return _Claim(row.id, row.channel_id, row.deadline_key, row.slot_key, key, row.claimed_at)


def run_alert_pass(
    engine: Engine, poster: Poster, now: datetime, dry_run: bool = False
) -> PassReport:
    """Post what is due at `now` (aware). A dry run reports what it would post and writes
    nothing."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = PassReport(now, dry_run)
    uow = UnitOfWork(engine)
    with uow.read() as store:
        due = store.due_for_alerts(now)
    if dry_run:
        for start in range(0, len(due), PREVIEW_BATCH):
            _preview(uow, due[start : start + PREVIEW_BATCH], now, report)
        return report
    for agreement_id in due:
        try:
            with uow.hold_alerts(agreement_id) as held:
                if held:
                    _AgreementPass(uow, poster, agreement_id, now, report).run()
                else:
                    report.busy.append(agreement_id)
        except Exception:
            # One agreement's trouble must not hold back the others' alerts; what it left
            # "sending" is recovered by the next pass.
            log.exception("alert pass for agreement %s broke off", agreement_id)
            report.failed.append(agreement_id)
    return report


def _composer(agreement: Agreement, now: datetime) -> Callable[[Slot], AlertMessage]:
    today = local_today(agreement, now)
    title, calendar = agreement.terms.title, agreement.calendar

    def compose(slot: Slot) -> AlertMessage:
        key = alert_key(agreement.id, slot.deadline.key, slot.key)
        return alert_message(key, slot, today, title, calendar)

    return compose


def _preview(uow: UnitOfWork, agreement_ids: list[int], now: datetime, report: PassReport) -> None:
    """What a pass would post for these agreements, read in a handful of queries, not a handful
    per agreement: a dry run reads and plans, and takes no lock."""
    with uow.read() as store:
        agreements = load_agreements(store, agreement_ids)
        channels = store.channels_by_agreement(agreement_ids)
        taken = store.alerts.claimed_through_by_agreement(agreement_ids)
        leftovers = store.alerts.unconfirmed_by_agreement(agreement_ids)
    for agreement_id in agreement_ids:  # in the order they fell due
        agreement = agreements[agreement_id]
        compose = _composer(agreement, now)
        deadlines = deadlines_of(agreement, now)
        plan = plan_alerts(deadlines, schedule_of(agreement), now, taken[agreement_id])
        for slot in plan.due_now:
            message = compose(slot)
            report.would_post += [
                AlertOutcome(agreement_id, channel, message.key, message.text)
                for channel in channels[agreement_id]
            ]
        report.pending += [
            AlertOutcome(agreement_id, leftover.channel_id, _claim_of(leftover).key, "")
            for leftover in leftovers[agreement_id]
        ]


class _AgreementPass:
    """The work on one agreement, done while holding its lock."""

    def __init__(
        self,
        uow: UnitOfWork,
        poster: Poster,
        agreement_id: int,
        now: datetime,
        report: PassReport,
    ) -> None:
        self.uow = uow
        self.poster = poster
        self.agreement_id = agreement_id
        self.now = now
        self.report = report

    def run(self) -> None:
        with self.uow.read() as store:
            agreement = load_agreement(store, self.agreement_id)
            due = agreement.stored.next_alert_at
            if due is None or due > self.now:
                return  # a pass that held the lock before us has done this work
            deadlines = deadlines_of(agreement, self.now)
            schedule = schedule_of(agreement)
            taken = store.alerts.claimed_through(self.agreement_id, [d.key for d in deadlines])
            leftovers = [_claim_of(row) for row in store.alerts.unconfirmed(self.agreement_id)]
            channels = store.channels_of(self.agreement_id)
        compose = _composer(agreement, self.now)
        current = {d.key: latest_slot(d, schedule, self.now) for d in deadlines}
        for claim in leftovers:
            slot = current.get(claim.deadline_key)
            # Superseded by a later slot, closed, or its channel unbound: only look for it.
            still_due = (
                slot is not None and slot.key == claim.slot_key and claim.channel in channels
            )
            message = compose(slot) if slot is not None and still_due else None
            self._deliver(claim, message, verify=True)
        for slot in plan_alerts(deadlines, schedule, self.now, taken).due_now:
            message = compose(slot)
            for claim in self._claim(slot, channels):
                self._deliver(claim, message, verify=False)
        with self.uow.write() as store:
            store.lock_agreement(self.agreement_id)
            reschedule(store, load_agreement(store, self.agreement_id), self.now)

    def _claim(self, slot: Slot, channels: list[str]) -> list[_Claim]:
        """Commit the slot's rows as "sending" before anything reaches Slack."""
        # Slack stamps a message with the real clock; a pass run `--at` a later moment must
        # still find what it posted.
        since = min(self.now, datetime.now(UTC))
        with self.uow.write() as store:
            if not channels:
                # No channel is bound: the slot passes unposted rather than retried every pass.
                unsent = self._row(slot, "", SKIPPED, since)
                unsent.last_error = "no channel is bound to the agreement"
                store.alerts.claim([unsent])
                return []
            rows = [self._row(slot, channel, SENDING, since) for channel in channels]
            return [_claim_of(row) for row in store.alerts.claim(rows)]

    def _row(self, slot: Slot, channel: str, state: str, since: datetime) -> AlertRow:
        return AlertRow(
            agreement_id=self.agreement_id,
            deadline_key=slot.deadline.key,
            slot_key=slot.key,
            channel_id=channel,
            slot_at=slot.at,
            state=state,
            attempts=1 if state == SENDING else 0,
            claimed_at=since,
            settled_at=None if state == SENDING else self.now,
        )

    def _deliver(self, claim: _Claim, message: AlertMessage | None, verify: bool) -> None:
        """Post once; after a failure that may have reached Slack, look before posting again.
        With no message (superseded, or its deadline closed), only look."""
        for _ in range(TRIES_PER_PASS):
            try:
                if verify:
                    ts = self.poster.find(claim.channel, claim.key, claim.since)
                    if ts is not None:
                        self._settle(claim, POSTED, ts, self.report.confirmed)
                        return
                    if message is None:
                        self._settle(claim, SKIPPED, None, self.report.skipped)
                        return
                    self._count_attempt(claim)
                assert message is not None
                ts = self.poster.post(claim.channel, message)
            except PostFailed as failure:
                self._note_failure(claim, failure.reason)
                if not failure.uncertain:
                    break
                verify = True
                continue
            self._settle(claim, POSTED, ts, self.report.posted, message.text)
            return
        self.report.pending.append(AlertOutcome(self.agreement_id, claim.channel, claim.key, ""))

    def _count_attempt(self, claim: _Claim) -> None:
        with self.uow.write() as store:
            store.alerts.count_attempt(claim.row_id)

    def _note_failure(self, claim: _Claim, reason: str) -> None:
        with self.uow.write() as store:
            store.alerts.note_failure(claim.row_id, reason)

    def _settle(
        self,
        claim: _Claim,
        state: str,
        ts: str | None,
        tally: list[AlertOutcome],
        text: str = "",
    ) -> None:
        with self.uow.write() as store:
            store.alerts.settle(claim.row_id, state, ts, self.now)
        tally.append(AlertOutcome(self.agreement_id, claim.channel, claim.key, text, ts))
