"""What a form to record an event needs to know: the agreements the user may choose, whether
they may see a delay's reason, and the Allowed Delay days still available (§2(d))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.services.agreement import ADMIN, EDITOR, Agreement
from domain.services.delay_room import days_left
from domain.services.service import RegRightsService
from domain.store.agreement_store import AgreementStore

INSIDERS = frozenset({EDITOR, ADMIN})  # who may see a delay's reason (§2(d))


@dataclass(frozen=True)
class DelayRoom:
    """§2(d) as it stands today: the longest delay that could begin, and the running one."""

    section: str
    available_days: int
    running_until: date | None  # the day a running delay expires
    extend_max: int | None  # while one runs: the most days it could be extended by


@dataclass(frozen=True)
class FormAgreement:
    """One agreement a form may record into, through one of its bound channels."""

    channel: str
    title: str
    profile_id: str
    role: str
    today: date
    delay: DelayRoom
    reasons: dict[str, str]  # a delay's possible reasons; empty unless the user is an insider

    @property
    def insider(self) -> bool:
        return self.role in INSIDERS


def agreement_in(
    service: RegRightsService, channel: str, user: str, now: datetime
) -> FormAgreement | None:
    """The agreement bound to `channel`, as `user` sees it; None if the channel is unbound."""
    with service.uow.read() as store:
        binding = store.binding(channel)
        if binding is None:
            return None
        return _form_agreement(service, store, binding.agreement_id, channel, user, now)


def agreements_of(service: RegRightsService, user: str, now: datetime) -> list[FormAgreement]:
    """Every bound channel of every agreement `user` holds a role on (every one, for an admin)."""
    with service.uow.read() as store:
        ids = store.agreement_ids() if user in service.admins else store.agreements_granted_to(user)
        return [
            _form_agreement(service, store, agreement_id, channel, user, now)
            for agreement_id in ids
            for channel in store.channels_of(agreement_id)
        ]


def _form_agreement(
    service: RegRightsService,
    store: AgreementStore,
    agreement_id: int,
    channel: str,
    user: str,
    now: datetime,
) -> FormAgreement:
    agreement = service.load(store, agreement_id)
    terms = agreement.terms
    today = now.astimezone(terms.zone).date()
    role = service.role_of(store, agreement_id, user)
    return FormAgreement(
        channel=channel,
        title=terms.title,
        profile_id=terms.id,
        role=role,
        today=today,
        delay=delay_room(agreement, today),
        reasons=dict(terms.allowed_delay.reasons) if role in INSIDERS else {},
    )


def delay_room(agreement: Agreement, today: date) -> DelayRoom:
    state = agreement.state()
    running = state.delay_active_on(today)
    left = days_left(state, today)  # as `status` counts them: none with nothing to delay
    return DelayRoom(
        section=agreement.terms.allowed_delay.section,
        available_days=left.available_days,
        running_until=running.delay.expires if running else None,
        extend_max=left.extend_max,
    )
