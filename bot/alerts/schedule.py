"""An agreement's alert plan, and `next_alert_at` kept current after every change."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from domain.rules.alert_plan import AlertPlan, Schedule, plan_alerts
from domain.rules.deadlines import Deadline, running_deadlines
from domain.services.agreement import Agreement, alert_leads, alert_time

if TYPE_CHECKING:
    from domain.store.agreement_store import AgreementStore


def schedule_of(agreement: Agreement) -> Schedule:
    return Schedule(alert_leads(agreement), alert_time(agreement), agreement.terms.zone)


def local_today(agreement: Agreement, now: datetime) -> date:
    return now.astimezone(agreement.terms.zone).date()


def deadlines_of(agreement: Agreement, now: datetime) -> list[Deadline]:
    return running_deadlines(agreement.state(), local_today(agreement, now))


def plan_of(store: AgreementStore, agreement: Agreement, now: datetime) -> AlertPlan:
    deadlines = deadlines_of(agreement, now)
    claimed = store.alerts.claimed_through(agreement.id, [d.key for d in deadlines])
    return plan_alerts(deadlines, schedule_of(agreement), now, claimed)


def next_alert_at(store: AgreementStore, agreement: Agreement, now: datetime) -> datetime | None:
    """When a pass next has work here: now while a post is unconfirmed; else the plan's next
    slot, or sooner the day an event recorded by mail takes effect and may open a deadline."""
    if store.alerts.unconfirmed(agreement.id):
        return now
    schedule = schedule_of(agreement)
    today = local_today(agreement, now)
    wakes = [schedule.moment(day) for day in agreement.takes_effect_after(today)]
    wake = plan_of(store, agreement, now).wake_at
    if wake is not None:
        wakes.append(wake)
    return min(wakes, default=None)


def reschedule(store: AgreementStore, agreement: Agreement, now: datetime) -> None:
    """The ChangeListener: an event, an undo or a `remind` setting moves the next alert."""
    store.set_next_alert_at(agreement.stored, next_alert_at(store, agreement, now))
