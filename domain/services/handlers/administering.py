"""Administering: binding a channel to an agreement, roles, and when alerts are posted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from domain.rules.terms import ProfileError, is_profile_path, read_profile, read_profile_file
from domain.services.agreement import ADMIN, terms_from_snapshot
from domain.services.answers import (
    AlertTimeSet,
    Granted,
    LastAdmin,
    LeadsSet,
    NoGrantedRole,
    Revoked,
    RoleRefused,
    SetUp,
)
from domain.services.context import Context
from domain.services.grammar import Grant, RemindAt, RemindLeads, Revoke, Setup
from domain.services.replies import Reply

if TYPE_CHECKING:
    from domain.store.agreement_store import AgreementStore


def setup(ctx: Context, command: Setup) -> Reply:
    """Bind the caller's channel to the agreement of `command.profile_id`, created if new."""
    service, caller = ctx.service, ctx.caller
    from_file = is_profile_path(command.profile_id)
    if from_file and caller.source == "slack":
        # A path names a file on the bot's machine: only someone at that machine names one.
        return Reply.malformed(
            "a profile file is set up from the command line (`regrights cmd setup FILE.yaml`); "
            "in Slack, name a profile id",
            ctx.usage,
        )
    try:
        read = (
            read_profile_file(Path(command.profile_id))
            if from_file
            else read_profile(command.profile_id, service.profile_dirs)
        )
    except ProfileError as exc:
        return Reply.malformed(str(exc), ctx.usage)
    profile = read[1]
    with service.uow.write() as store:
        store.lock_setup()
        existing = store.agreement_for_profile(profile.id)
        if existing is not None:
            assert existing.id is not None
            if service.role_of(store, existing.id, caller.user) != ADMIN:
                store.roll_back()
                return _admins_only("setup")
            agreement = service.load(store, existing.id)
            created = False
        else:
            if service.admins and caller.user not in service.admins:
                store.roll_back()
                return _admins_only("setup")
            agreement = service.create_agreement(store, profile.id, caller, read)
            if not service.admins:
                # With no REGRIGHTS_ADMINS configured, whoever sets an agreement up runs it.
                store.grant(agreement.id, caller.user, ADMIN, caller.user, caller.now)
            created = True
        unbound = _rebinding(ctx, store, agreement.id)
        if isinstance(unbound, Reply):
            store.roll_back()
            return unbound
        store.bind(caller.channel, agreement.id, caller.user, caller.now)
        agreement_id = agreement.id
    return Reply.answered(
        SetUp(profile.title, profile.id, created, caller.channel, unbound),
        announce=True,
        agreement_id=agreement_id,
    )


def _rebinding(
    ctx: Context, store: AgreementStore, agreement_id: int
) -> tuple[str, str] | Reply | None:
    """For a channel bound to another agreement (SPEC §14): that agreement's id and title, or
    the refusal when the caller is not its admin. None for an unbound channel, or one already
    bound to `agreement_id`."""
    binding = store.binding(ctx.caller.channel)
    if binding is None or binding.agreement_id == agreement_id:
        return None
    if ctx.service.role_of(store, binding.agreement_id, ctx.caller.user) != ADMIN:
        return Reply.refused(
            RoleRefused("setup", ADMIN, records=False),
            "this channel is bound to another agreement: only an admin of that agreement may "
            "bind it to this one",
        )
    terms = terms_from_snapshot(store.agreement(binding.agreement_id).profile_yaml)
    return terms.id, terms.title


def _admins_only(command: str) -> Reply:
    return Reply.refused(
        RoleRefused(command, ADMIN, records=False), f"only an {ADMIN} may {command}"
    )


def grant(ctx: Context, command: Grant) -> Reply:
    agreement, caller = ctx.agreement, ctx.caller
    ctx.store.grant(agreement.id, command.user, command.role, caller.user, caller.now)
    return Reply.answered(
        Granted(command.user, command.role, agreement.terms.id),
        announce=True,
        agreement_id=agreement.id,
    )


def revoke(ctx: Context, command: Revoke) -> Reply:
    agreement = ctx.agreement
    if _last_admin(ctx, command.user):
        return Reply.refused(
            LastAdmin(command.user, agreement.terms.id),
            f"{command.user} is the only admin and REGRIGHTS_ADMINS is not set",
        )
    if not ctx.store.revoke(agreement.id, command.user):
        return Reply.refused(
            NoGrantedRole(command.user, agreement.terms.id),
            f"{command.user} holds no granted role",
        )
    return Reply.answered(
        Revoked(command.user, agreement.terms.id, command.user in ctx.service.admins),
        announce=True,
        agreement_id=agreement.id,
    )


def _last_admin(ctx: Context, user: str) -> bool:
    """Whether revoking `user` would leave no admin: none configured, no other granted."""
    grants = ctx.store.grants(ctx.agreement.id)
    others = [u for u, role in grants.items() if role == ADMIN and u != user]
    return not ctx.service.admins and grants.get(user) == ADMIN and not others


def remind_leads(ctx: Context, command: RemindLeads) -> Reply:
    agreement = ctx.agreement
    agreement.stored.alert_leads = ",".join(str(lead) for lead in command.leads)
    ctx.store.session.add(agreement.stored)
    ctx.service.changed(ctx.store, agreement, ctx.caller)
    return Reply.answered(
        LeadsSet(command.leads),
        announce=True,
        agreement_id=agreement.id,
    )


def remind_at(ctx: Context, command: RemindAt) -> Reply:
    agreement = ctx.agreement
    agreement.stored.alert_at = command.at.strftime("%H:%M")
    ctx.store.session.add(agreement.stored)
    ctx.service.changed(ctx.store, agreement, ctx.caller)
    return Reply.answered(
        AlertTimeSet(command.at, agreement.terms.timezone),
        announce=True,
        agreement_id=agreement.id,
    )
