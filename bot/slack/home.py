"""The App Home tab: each agreement the user holds a role on, where its clocks stand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.render.answers import DEMAND_STATE_WORDS
from bot.render.dates import day, days, days_left, section
from bot.slack.counsel_blocks import home_buttons

# Five blocks each: with the header, the form buttons and the footer, within the 100 blocks
# of a Home tab (which slack_sdk's View checks).
MAX_AGREEMENTS = 19
MAX_DEADLINES = 5
OPEN_RECORD_ACTION = "regrights_open_record"  # the buttons that open the forms (SPEC §9)
OPEN_DELAY_CHECK_ACTION = "regrights_open_delay_check"


HOME_CHANNELS = 10  # an agreement's channels named on the Home tab


def home_view(
    agreements: list[dict[str, Any]], now: datetime, notice: str | None = None
) -> dict[str, Any]:
    """`agreements` as `RegRightsService.overview` gives them; `notice`, what to tell first."""
    blocks: list[Block] = [HeaderBlock(text="regrights")]
    if notice:
        blocks.append(_section(f":warning: {notice}"))
    if not agreements:
        blocks.append(
            _section(
                "You hold no role on an agreement yet. In a channel bound to one, "
                "`/regrights status` shows where it stands, and an admin can make you an editor "
                "with `/regrights grant`."
            )
        )
    else:
        blocks.append(_form_buttons())
    for agreement in agreements[:MAX_AGREEMENTS]:
        blocks += _agreement(agreement)
    footer = f"Updated {now:%Y-%m-%d %H:%M} UTC, when you opened this tab."
    if len(agreements) > MAX_AGREEMENTS:
        footer = f"{len(agreements) - MAX_AGREEMENTS} more agreements are not shown. " + footer
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    shown: dict[str, Any] = View(type="home", blocks=blocks).to_dict()
    return shown


def _form_buttons() -> Block:
    return ActionsBlock(
        block_id="forms",
        elements=[
            ButtonElement(text="Record an event", action_id=OPEN_RECORD_ACTION, style="primary"),
            ButtonElement(text="Check a delay", action_id=OPEN_DELAY_CHECK_ACTION),
        ],
    )


def _agreement(a: dict[str, Any]) -> list[Block]:
    shown = a["channels"][:HOME_CHANNELS]
    channels = ", ".join(f"<#{c}>" for c in shown) or "no channel"
    if len(a["channels"]) > len(shown):
        channels += f" and {len(a['channels']) - len(shown)} more channels"
    head = (
        f"*{a['title']}* (`{a['agreement']}`)\n"
        f"Your role: {a['role']} · bound to {channels} · as of {_day(a['as_of'])}"
    )
    return [
        _section(head),
        SectionBlock(
            fields=[MarkdownTextObject(text=_demand(a)), MarkdownTextObject(text=_delay(a))]
        ),
        _section(_deadlines(a["deadlines"])),
        home_buttons(a["agreement"], admin=a["role"] == "admin"),
        DividerBlock(),
    ]


def _demand(a: dict[str, Any]) -> str:
    demand = a["demand"]
    verdict = "would be accepted" if demand["available"] else "would not be accepted"
    return f"*Demand right*\n{DEMAND_STATE_WORDS[demand['state']]}: a demand today {verdict}"


def _delay(a: dict[str, Any]) -> str:
    delay, limit = a["delay"], a["delay_limit"]
    running = f"running, expires {_day(delay['expires'])}" if delay["active"] else "none running"
    next_start = delay["next_start_allowed"]
    return (
        f"*Allowed Delay*\n{running}\n"
        f"{days(delay['days_used_12m'])} used of {limit['max_days']} "
        f"in {limit['period_months']} months; "
        + (f"next may begin {_day(next_start)}" if next_start else "no new delay may begin")
    )


def _deadlines(deadlines: list[dict[str, Any]]) -> str:
    if not deadlines:
        return "*Next deadlines*\nNo deadline is running."
    soonest = sorted(deadlines, key=lambda d: str(d["due"]))[:MAX_DEADLINES]
    lines = [
        f"• {_day(d['due'])} — {d['title']} ({section(d['section'])}); {days_left(d['days_left'])}"
        for d in soonest
    ]
    more = len(deadlines) - len(soonest)
    if more:
        lines.append(f"… and {more} more: `/regrights deadlines` in the agreement's channel")
    return "*Next deadlines*\n" + "\n".join(lines)


def _day(iso: str) -> str:
    return day(date.fromisoformat(iso))


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))
