"""The timeline picture: delays, their 12-month windows, the deadlines and today on one time
axis. Drawn with matplotlib, imported only here and only when a picture is asked for.

Sized for Slack, which previews an image at about 360 pixels high: 1200 x 675 pixels with
large type. The colours are the Okabe-Ito palette, told apart by people with any common form
of colour blindness; shapes and hatching carry the same distinctions."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.render.dates import days, section
from domain.rules.timeline import DeadlineMark, DelayWindow, Timeline
from domain.services.answers import TimelineView

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_INCHES, HEIGHT_INCHES, DPI = 12.0, 6.75, 100
SIZE = (int(WIDTH_INCHES * DPI), int(HEIGHT_INCHES * DPI))

BLUE, SKY, ORANGE, VERMILLION, GREEN, PURPLE = (
    "#0072B2",
    "#56B4E9",
    "#E69F00",
    "#D55E00",
    "#009E73",
    "#CC79A7",
)
SHORT_TITLES = {
    "holder_notice": "notice to holders",
    "holder_inclusion": "holders' requests close",
    "requested_info": "Requested Information",
    "effectiveness": "effective by",
    "delay_expiry": "delay expires",
    "piggyback_request": "piggyback request",
}
MARGIN = timedelta(days=20)
KEY_ROWS, KEY_HEIGHT = 3, 0.17  # the deadline key: two columns of three, in figure fractions
MAX_KEYED = 2 * KEY_ROWS


def timeline_png(view: TimelineView) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    t = view.timeline
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    axes = figure.add_subplot()
    # From the bottom: one lane per window, the delays, then the deadlines with room above
    # for their labels.
    delay_y = len(t.windows)
    deadline_y = delay_y + 1.2

    for i, window in enumerate(t.windows):
        y = delay_y - 1 - i
        trailing = window.opened_by is None
        axes.barh(
            y,
            (window.end - window.first).days,
            left=mdates.date2num(window.first),
            height=0.6,
            color=SKY if not trailing else "white",
            edgecolor=BLUE,
            hatch=None if not trailing else "//",
            linewidth=2,
        )
        axes.text(
            mdates.date2num(window.first + (window.end - window.first) / 2),
            y,
            f"{window.days_used} of {t.max_days} days",
            ha="center",
            va="center",
            fontsize=15,
            fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
        )
    for bar in t.delays:
        axes.barh(
            delay_y,
            bar.days,
            left=mdates.date2num(bar.start),
            height=0.6,
            color=VERMILLION if bar.running else ORANGE,
            edgecolor="black",
            hatch="xx" if bar.running else None,
            linewidth=1,
        )
        axes.annotate(
            days(bar.days) + (" (running)" if bar.running else ""),
            (mdates.date2num(bar.start), delay_y + 0.3),
            xytext=(0, 4),
            textcoords="offset points",
            fontsize=13,
            va="bottom",
        )
    first, last = _span(t)
    # Deadlines often fall days apart: each marker carries a number, and the key below the
    # axis says what it is; numbers this close are raised in turn so they never overlap.
    crowded = (last - first).days * 0.025
    level, previous = 0, None
    for number, mark in enumerate(t.deadlines[:MAX_KEYED], start=1):
        close = previous is not None and (mark.due - previous).days < crowded
        level = (level + 1) % 3 if close else 0
        _deadline(axes, mdates.date2num(mark.due), deadline_y, mark, number, level)
        previous = mark.due
    _key(figure, t.deadlines)

    axes.axvline(mdates.date2num(t.as_of), color="black", linewidth=2)
    axes.annotate(
        f"today {t.as_of.isoformat()}",
        (mdates.date2num(t.as_of), 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        fontsize=13,
        fontweight="bold",
    )
    if t.next_start_allowed is not None and t.next_start_allowed > t.as_of:
        axes.axvline(
            mdates.date2num(t.next_start_allowed), color=VERMILLION, linestyle="--", linewidth=2
        )
        axes.annotate(
            f"next delay may begin {t.next_start_allowed.isoformat()}",
            (mdates.date2num(t.next_start_allowed), 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            fontsize=13,
            color=VERMILLION,
            fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )

    axes.set_xlim(mdates.date2num(first), mdates.date2num(last))
    axes.set_ylim(-0.6, deadline_y + 1.3)
    axes.set_yticks(
        [deadline_y, delay_y, *(delay_y - 1 - i for i in range(len(t.windows)))],
        _lanes(t),
        fontsize=14,
    )
    locator = mdates.AutoDateLocator(maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.tick_params(axis="x", labelsize=13)
    axes.grid(axis="x", color="#dddddd")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.suptitle(view.title, fontsize=17, fontweight="bold", x=0.01, ha="left")
    figure.text(0.01, 0.885, headline(t, lines=2), fontsize=14, va="top")
    figure.subplots_adjust(
        left=0.17, right=0.98, top=0.76, bottom=KEY_HEIGHT + 0.08 if t.deadlines else 0.09
    )
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def headline(t: Timeline, lines: int = 1) -> str:
    if t.nothing_to_delay:
        following = "no delay may begin: there is no registration to delay"
    elif t.next_start_allowed is None:
        following = "no delay may begin"
    else:
        following = f"next delay may begin {t.next_start_allowed.isoformat()}"
    used = (
        f"Allowed Delay {section(t.delay_section)}: {t.days_used_12m} of {t.max_days} days used "
        f"in the {t.period_months} months to {t.as_of.isoformat()}"
    )
    return used + ("\n" if lines > 1 else "; ") + following


def alt_text(view: TimelineView) -> str:
    """What the picture says, for those who cannot see it."""
    t = view.timeline
    parts = [f"Timeline of the {view.title}. {headline(t)}."]
    parts += [
        f"Delay {d.start.isoformat()} to {d.expires.isoformat()}, {days(d.days)}"
        + (", running." if d.running else ".")
        for d in t.delays
    ]
    parts += [f"{_window_name(w, t)}: {w.days_used} of {t.max_days} days." for w in t.windows]
    parts += [
        f"{d.title} ({section(d.section)}) due {d.due.isoformat()}"
        + (", overdue." if d.overdue else ".")
        for d in t.deadlines
    ]
    return " ".join(parts)


def _lanes(t: Timeline) -> list[str]:
    """Lane labels, top to bottom: deadlines, delays, then one lane per window."""
    return [
        "Deadlines",
        f"Allowed Delays\n{section(t.delay_section)}",
        *(_window_name(w, t, "\n") for w in t.windows),
    ]


def _window_name(window: DelayWindow, t: Timeline, gap: str = " ") -> str:
    if window.opened_by is None:
        return f"{t.period_months} months{gap}to today"
    return f"{t.period_months} months{gap}from {window.opened_by:%Y-%m-%d}"


def _deadline(axes: Axes, x: float, y: float, mark: DeadlineMark, number: int, level: int) -> None:
    """A marker on the due date, its number above, raised a line per `level`."""
    axes.plot(
        [x],
        [y],
        marker="X" if mark.overdue else "D",
        markersize=13,
        color=PURPLE if mark.overdue else GREEN,
        markeredgecolor="black",
        linestyle="none",
    )
    axes.annotate(
        str(number),
        (x, y),
        xytext=(0, 11 + 17 * level),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=14,
        fontweight="bold",
    )


def _key(figure: Figure, deadlines: tuple[DeadlineMark, ...]) -> None:
    """Below the axis: number, due date, what falls due and its section."""
    for i, mark in enumerate(deadlines[:MAX_KEYED]):
        column, row = divmod(i, KEY_ROWS)
        line = (
            f"{i + 1}  {mark.due:%Y-%m-%d}  {SHORT_TITLES.get(mark.kind, mark.title)} "
            f"{section(mark.section)}" + ("  OVERDUE" if mark.overdue else "")
        )
        figure.text(
            0.01 + 0.5 * column,
            KEY_HEIGHT - row * (KEY_HEIGHT / KEY_ROWS),
            line,
            fontsize=14,
            va="top",
            color=PURPLE if mark.overdue else "black",
            fontweight="bold" if mark.overdue else "normal",
        )
    if len(deadlines) > MAX_KEYED:
        figure.text(
            0.99,
            0.01,
            f"and {len(deadlines) - MAX_KEYED} more: /regrights deadlines",
            fontsize=12,
            ha="right",
        )


def _span(t: Timeline) -> tuple[date, date]:
    starts = [t.as_of - timedelta(days=30), *(w.first for w in t.windows)]
    ends = [
        t.as_of + timedelta(days=60),
        *(w.end for w in t.windows),
        *(d.due for d in t.deadlines),
        *(d.expires for d in t.delays),
    ]
    if t.next_start_allowed is not None:
        ends.append(t.next_start_allowed)
    return min(starts) - MARGIN, max(ends) + MARGIN
