"""`regrights calendar --out FILE.ics` and `regrights timeline --out FILE.png`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.local_session import open_local
from bot.render.answers import render
from domain.services.grammar import UsageError, parse_date
from domain.services.replies import EXIT_MALFORMED, EXIT_OK
from domain.services.service import Caller, RegRightsService, unbound


def run_calendar(out: str, *, channel: str, user: str, as_of: str | None) -> int:
    def write(service: RegRightsService, caller: Caller) -> tuple[bytes, str] | None:
        from bot.outputs.ics import feed_ics
        from domain.services.calendar_feed import channel_feed

        feed = channel_feed(service.uow, caller)
        if feed is None:
            return None
        return feed_ics(feed, caller.now), f"{len(feed.entries)} deadlines of {feed.title}"

    return _run(out, channel, user, as_of, write)


def run_timeline(out: str, *, channel: str, user: str, as_of: str | None) -> int:
    def write(service: RegRightsService, caller: Caller) -> tuple[bytes, str] | None:
        from bot.outputs.timeline_png import timeline_png
        from domain.services.timeline_view import channel_timeline

        view = channel_timeline(service.uow, caller)
        if view is None:
            return None
        return timeline_png(view), f"the timeline of {view.title} as of {view.timeline.as_of}"

    return _run(out, channel, user, as_of, write)


def _run(
    out: str,
    channel: str,
    user: str,
    as_of: str | None,
    make: Callable[[RegRightsService, Caller], tuple[bytes, str] | None],
) -> int:
    try:
        day: date | None = parse_date(as_of, "--as-of YYYY-MM-DD") if as_of else None
    except UsageError as exc:
        print(f"--as-of: {exc.message}", file=sys.stderr)
        return EXIT_MALFORMED
    local = open_local(channel, user, as_of=day)
    made = make(local.service, local.caller)
    if made is None:
        refusal = unbound(local.caller)
        print(render(refusal.answer), file=sys.stderr)
        return refusal.exit_code
    content, what = made
    try:
        Path(out).write_bytes(content)
    except OSError as exc:
        print(f"cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_MALFORMED
    print(f"Wrote {what} to {out}.")
    return EXIT_OK
