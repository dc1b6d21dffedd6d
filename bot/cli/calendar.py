"""`regrights calendar --out FILE.ics`: the deadlines as an iCalendar file (RFC 5545)."""

from __future__ import annotations

import argparse

from bot.cli.common import acting, as_of_day, unbound, write_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calendar = sub.add_parser(
        "calendar",
        parents=[acting(as_of=True)],
        help="write the deadlines as an iCalendar file (RFC 5545)",
    )
    calendar.add_argument("--out", required=True, metavar="FILE.ics", help="write here")
    calendar.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.outputs.ics import feed_ics
    from bot.wiring import open_local
    from domain.services.calendar_feed import channel_feed

    local = open_local(args.channel, args.user, as_of=as_of_day(args))
    feed = channel_feed(local.service.uow, local.caller)
    if feed is None:
        return unbound(local.caller)
    content = feed_ics(feed, local.caller.now)
    return write_file(args.out, content, f"{len(feed.entries)} deadlines of {feed.title}")
