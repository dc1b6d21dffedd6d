"""`regrights verify`: the hash chain over the channel's agreement's history, checked."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from bot.cli.common import acting, json_option, unbound

if TYPE_CHECKING:
    from domain.services.audit import ChainCheck


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = sub.add_parser(
        "verify",
        parents=[acting(as_of=False)],
        help="check the history's hash chain; exit 1 if broken",
        description="Check the hash chain over the channel's agreement's history: exit 0 "
        "when whole, 1 when a row was edited, deleted, inserted or renumbered.",
    )
    json_option(verify)
    verify.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.wiring import open_local
    from domain.services.audit import AuditDesk, NotBound
    from domain.services.replies import ExitCode

    local = open_local(args.channel, args.user)
    try:
        check = AuditDesk(local.service.uow, local.service.admins).verify(local.caller)
    except NotBound:
        return unbound(local.caller)
    print(json.dumps(check_data(check)) if args.json else check_text(check))
    return ExitCode.OK if check.broken is None else ExitCode.REFUSED


def check_data(check: ChainCheck) -> dict[str, Any]:
    broken = check.broken
    return {
        "ok": broken is None,
        "agreement": check.agreement,
        "events": check.events,
        "head": check.head,
        "error": broken.detail if broken else None,
        "how": broken.how.value if broken else None,
        "seq": broken.seq if broken else None,
    }


def check_text(check: ChainCheck) -> str:
    if check.broken is None:
        head = f", latest hash {check.head[:16]}…" if check.head else ""
        return f"The history of {check.agreement} is intact: {check.events} events{head}."
    return f"The history of {check.agreement} does not verify: {check.broken.detail}."
