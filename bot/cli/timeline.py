"""`regrights timeline --out FILE.png`: the delays, their 12-month windows and the deadlines,
drawn."""

from __future__ import annotations

import argparse

from bot.cli.common import acting, as_of_day, unbound, write_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    timeline = sub.add_parser(
        "timeline",
        parents=[acting(as_of=True)],
        help="draw the delays, their 12-month windows and the deadlines",
    )
    timeline.add_argument("--out", required=True, metavar="FILE.png", help="write here")
    timeline.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.outputs.timeline_png import timeline_png
    from bot.wiring import open_local
    from domain.services.timeline_view import channel_timeline

    local = open_local(args.channel, args.user, as_of=as_of_day(args))
    view = channel_timeline(local.service.uow, local.caller)
    if view is None:
        return unbound(local.caller)
    what = f"the timeline of {view.title} as of {view.timeline.as_of}"
    return write_file(args.out, timeline_png(view), what)
