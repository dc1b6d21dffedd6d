"""`regrights verify`: the database file and the hash chain over the channel's agreement's
history checked, and, given an earlier export, each of its events looked for as it was."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.common import acting, json_option, unbound

if TYPE_CHECKING:
    from domain.rules.audit_chain import Exported
    from domain.services.audit import ChainCheck


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = sub.add_parser(
        "verify",
        parents=[acting(as_of=False)],
        help="check the database and the history's hash chain; exit 1 if broken",
        description="Check the database file (SQLite's integrity check) and the hash chain "
        "over the channel's agreement's history, and, with --against, that every event of an "
        "earlier export is still stored as it was: exit 0 when whole, 1 when a row was "
        "edited, deleted, inserted or renumbered, the stored terms were edited, or the file "
        "is damaged. Run by an admin on a whole history, it clears the break the daily check "
        "found (which `status` shows, and writes are refused on, while it holds).",
    )
    json_option(verify)
    verify.add_argument(
        "--against",
        metavar="FILE",
        help="an earlier `export --format json`: each of its events must still be stored as "
        "it was (catches a history trimmed at its end)",
    )
    verify.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.wiring import open_local
    from domain.services.audit import AuditDesk, NotBound
    from domain.services.replies import ExitCode

    earlier = read_export(args.against) if args.against else None
    local = open_local(args.channel, args.user)
    desk = AuditDesk(local.service.uow, local.service.admins)
    try:
        check = desk.verify(local.caller, earlier.events if earlier else ())
    except NotBound:
        return unbound(local.caller)
    if earlier is not None and earlier.agreement != check.agreement:
        from bot.failures import Failure

        raise Failure(
            f"{args.against} is an export of {earlier.agreement}, not of {check.agreement}",
            ExitCode.MALFORMED,
        )
    print(json.dumps(check_data(check)) if args.json else check_text(check))
    return ExitCode.OK if check.broken is None and check.damaged is None else ExitCode.REFUSED


@dataclass(frozen=True)
class EarlierExport:
    agreement: str
    events: list[Exported]


def read_export(path: str) -> EarlierExport:
    """The events of a file written by `regrights export --format json`, by number and hash."""
    from bot.failures import Failure
    from domain.rules.audit_chain import Exported
    from domain.services.replies import ExitCode

    try:
        document = json.loads(Path(path).read_text("utf-8"))
        events = [
            Exported(int(e["seq"]), str(e["chain_hash"]), str(e["kind"]), str(e["on"]))
            for e in document["events"]
        ]
        return EarlierExport(str(document["agreement"]), events)
    except OSError as exc:
        raise Failure(f"cannot read {path}: {exc.strerror}", ExitCode.MALFORMED) from None
    except (ValueError, KeyError, TypeError):
        raise Failure(
            f"{path} is not an export written by `regrights export --format json`",
            ExitCode.MALFORMED,
        ) from None


def check_data(check: ChainCheck) -> dict[str, Any]:
    broken = check.broken
    if check.damaged is not None:
        error: str | None = _damaged(check.damaged)
    else:
        error = broken.detail if broken else None
    return {
        "ok": error is None,
        "agreement": check.agreement,
        "events": check.events,
        "head": check.head,
        "error": error,
        "how": "damaged" if check.damaged else broken.how.value if broken else None,
        "seq": broken.seq if broken else None,
        "cleared": check.cleared,
    }


def _damaged(found: str) -> str:
    return f"the database file is damaged (SQLite's integrity check: {found})"


def check_text(check: ChainCheck) -> str:
    if check.damaged is not None:
        return f"The history of {check.agreement} does not verify: {_damaged(check.damaged)}."
    if check.broken is None:
        head = f", latest hash {check.head[:16]}…" if check.head else ""
        intact = f"The history of {check.agreement} is intact: {check.events} events{head}."
        if check.cleared is None:
            return intact
        return f"{intact} The break the daily check found ({check.cleared}) is cleared."
    return f"The history of {check.agreement} does not verify: {check.broken.detail}."
