"""`regrights export` and `regrights verify`: the audit trail as CSV or JSON, and its proof."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from typing import Any, TextIO

from bot.local_session import open_local
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


def run_verify(*, channel: str, user: str, as_json: bool, out: TextIO = sys.stdout) -> int:
    local = open_local(channel, user)
    try:
        check = AuditDesk(UnitOfWork(local.engine), local.service.admins).verify(local.caller)
    except NotBound:
        return _unbound(channel)
    out.write((json.dumps(check_data(check)) if as_json else check_text(check)) + "\n")
    return EXIT_OK if check.broken is None else EXIT_REFUSED


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


def _unbound(channel: str) -> int:
    print(f"channel {channel} is not bound to an agreement (use `setup`)", file=sys.stderr)
    return EXIT_REFUSED
