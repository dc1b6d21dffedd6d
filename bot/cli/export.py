"""`regrights export`: every recorded event of the channel's agreement (the audit trail), as
CSV or JSON."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import sys
from typing import TYPE_CHECKING, Any

from bot.cli.common import acting, unbound

if TYPE_CHECKING:
    from domain.services.audit import AuditRecord, AuditTrail


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser(
        "export",
        parents=[acting(as_of=False)],
        help="write every recorded event (the audit trail)",
        description="Write every recorded event of the channel's agreement, as CSV or JSON, "
        "to stdout.",
    )
    export.add_argument("--format", choices=["csv", "json"], required=True, dest="fmt")
    export.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.wiring import open_local
    from domain.services.audit import AuditDesk, NotBound
    from domain.services.replies import ExitCode

    local = open_local(args.channel, args.user)
    try:
        trail = AuditDesk(local.service.uow, local.service.admins).trail(local.caller)
    except NotBound:
        return unbound(local.caller)
    sys.stdout.write(trail_json(trail) if args.fmt == "json" else trail_csv(trail))
    return ExitCode.OK


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
    from domain.services.audit import AuditRecord

    buffer = io.StringIO()
    fields = [f.name for f in dataclasses.fields(AuditRecord)]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in trail.records:
        writer.writerow({k: "" if v is None else v for k, v in _record_data(record).items()})
    return buffer.getvalue()
