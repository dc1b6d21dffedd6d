"""`regrights serve`: the bot, in the mode the environment says."""

from __future__ import annotations

import argparse

SERVE_HELP = """\
Run the bot. The mode follows the environment:
  SLACK_APP_TOKEN       Socket Mode (with SLACK_BOT_TOKEN)
  SLACK_SIGNING_SECRET  HTTP mode on PORT (with SLACK_BOT_TOKEN): POST /slack/events, GET /healthz
  none of the above     the console, when stdin is a terminal
Other settings:
  SLACK_BOT_TOKEN         Bot User OAuth Token (xoxb-...), both Slack modes
  SLACK_API_URL           Slack Web API base URL (default Slack's)
  PORT                    HTTP port (default 3000)
  REGRIGHTS_DATABASE_URL  default sqlite:///regrights.sqlite3; postgresql://... for several instances
  REGRIGHTS_ADMINS        comma-separated Slack user IDs of the admins
  REGRIGHTS_COMMAND       the slash command (default /regrights)
  REGRIGHTS_PROFILES_DIR  folder(s) of extra agreement profiles, ':'-separated
Applies the database migrations and runs the alert scheduler in-process. SIGTERM stops taking
requests and finishes the work already acknowledged."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the bot: Socket Mode, HTTP, or the console",
        description=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.serve import serve

    return serve()
