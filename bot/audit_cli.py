"""`regrights export` and `regrights verify`: the audit trail as CSV or JSON, and its proof."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.failures import EXIT_MALFORMED, Failure
from bot.local_session import open_local
from domain.rules.audit_chain import Exported
from domain.services.audit import AuditDesk, AuditRecord, AuditTrail, ChainCheck, NotBound
from domain.services.replies import EXIT_OK, EXIT_REFUSED
from domain.store.unit_of_work import UnitOfWork

FIELDS = [f.name for f in dataclasses.fields(AuditRecord)]


def run_export(*, channel: str, user: str, fmt: str, out: TextIO = sys.stdout) -> int:
    local = open_local(channel, user)
    try:
        trail = AuditDesk(UnitOfWork(local.engine), local.service.admins).trail(local.caller)
    except NotBound:
        return _unbound(channel)
    out.write(trail_json(trail) if fmt == "json" else trail_csv(trail))
    return EXIT_OK


def run_verify(
    *,
    channel: str,
    user: str,
    as_json: bool,
    against: str | None = None,
    out: TextIO = sys.stdout,
) -> int:
    earlier = read_export(against) if against else None
    local = open_local(channel, user)
    desk = AuditDesk(UnitOfWork(local.engine), local.service.admins)
    try:
        check = desk.verify(local.caller, earlier.events if earlier else ())
    except NotBound:
        return _unbound(channel)
    if earlier is not None and earlier.agreement != check.agreement:
        raise Failure(
            f"{against} is an export of {earlier.agreement}, not of {check.agreement}",
            EXIT_MALFORMED,
        )
    out.write((json.dumps(check_data(check)) if as_json else check_text(check)) + "\n")
    return EXIT_OK if check.broken is None and check.damaged is None else EXIT_REFUSED


@dataclasses.dataclass(frozen=True)
class EarlierExport:
    agreement: str
    events: list[Exported]


def read_export(path: str) -> EarlierExport:
    """The events of a file written by `regrights export --format json`, by number and hash."""
    try:
        document = json.loads(Path(path).read_text("utf-8"))
        events = [
            Exported(int(e["seq"]), str(e["chain_hash"]), str(e["kind"]), str(e["on"]))
            for e in document["events"]
        ]
        return EarlierExport(str(document["agreement"]), events)
    except OSError as exc:
        raise Failure(f"cannot read {path}: {exc.strerror}", EXIT_MALFORMED) from None
    except (ValueError, KeyError, TypeError):
        raise Failure(
            f"{path} is not an export written by `regrights export --format json`",
            EXIT_MALFORMED,
        ) from None


def _record_data(record: AuditRecord) -> dict[str, Any]:
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in dataclasses.asdict(record).items()
    }


def trail_json(trail: AuditTrail) -> str:
    return (
        json.dumps(
            {
                "agreement": trail.agreement,
                "timezone": trail.timezone,
                "reasons_shown": trail.reasons_shown,
                "terms_digest": trail.terms_digest,
                "events": [_record_data(r) for r in trail.records],
            },
            indent=2,
        )
        + "\n"
    )


def trail_csv(trail: AuditTrail) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in trail.records:
        writer.writerow({k: "" if v is None else v for k, v in _record_data(record).items()})
    return buffer.getvalue()


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
    }


def _damaged(found: str) -> str:
    return f"the database file is damaged (SQLite's integrity check: {found})"


def check_text(check: ChainCheck) -> str:
    if check.damaged is not None:
        return f"The history of {check.agreement} does not verify: {_damaged(check.damaged)}."
    if check.broken is None:
        head = f", latest hash {check.head[:16]}…" if check.head else ""
        return f"The history of {check.agreement} is intact: {check.events} events{head}."
    return f"The history of {check.agreement} does not verify: {check.broken.detail}."


def _unbound(channel: str) -> int:
    print(f"channel {channel} is not bound to an agreement (use `setup`)", file=sys.stderr)
    return EXIT_REFUSED
