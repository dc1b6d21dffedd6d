"""The calendar feed as RFC 5545 text: one all-day VEVENT per deadline on its due date, a
VALARM per lead day at the agreement's alert hour."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from bot.render.dates import days, section
from domain.rules.deadline_calendar import CalendarEntry
from domain.services.calendar_feed import CalendarFeed

PRODID = "-//regrights//registration rights deadlines//EN"
# How often a subscribed calendar should fetch the feed again (RFC 7986; Outlook reads the
# X-PUBLISHED-TTL spelling).
REFRESH = timedelta(hours=1)


def feed_ics(feed: CalendarFeed, stamp: datetime) -> bytes:
    """`stamp` is when the feed was made (each event's DTSTAMP)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{feed.title} — deadlines")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for entry in feed.entries:
        calendar.add_component(_event(entry, feed, stamp))
    return bytes(calendar.to_ical())


def _event(entry: CalendarEntry, feed: CalendarFeed, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.due)
    event.add("dtend", entry.due + timedelta(days=1))
    event.add("summary", summary(entry))
    event.add("description", description(entry, feed))
    event.add("categories", [feed.agreement])
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    for lead in entry.alarm_leads:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder(entry, lead))
        # Relative to the start of the due day: the lead days before, at the alert hour.
        alarm.add(
            "trigger",
            timedelta(days=-lead, hours=feed.alert_at.hour, minutes=feed.alert_at.minute),
        )
        event.add_component(alarm)
    return event


def summary(entry: CalendarEntry) -> str:
    return f"{entry.title} ({section(entry.section)})"


def description(entry: CalendarEntry, feed: CalendarFeed) -> str:
    lines = [
        f"{section(entry.section)} of the {feed.title}.",
        f"Action: {entry.action}.",
    ]
    if entry.not_business_day:
        lines.append(
            f"Falls on {entry.not_business_day}: the agreement does not move the due date."
        )
    lines.append("Kept by regrights from the events recorded; it moves when they change.")
    return "\n".join(lines)


def reminder(entry: CalendarEntry, lead: int) -> str:
    when = "today" if lead == 0 else f"in {days(lead)}"
    return f"Due {when}: {summary(entry)}"
