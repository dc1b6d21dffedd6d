"""The calendar feed against real SQLite and PostgreSQL: what it holds, and its secret link."""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from conftest import ADMIN, CHANNEL, EDITOR, READER, Desk, said
from icalendar import Calendar
from sqlalchemy import Engine, inspect
from sqlalchemy import text as sql
from sqlmodel import Session, select

from bot.outputs.ics import feed_ics
from domain.services.calendar_feed import channel_feed, token_feed
from domain.services.handlers.counsel import TOKEN_BYTES
from domain.services.service import Caller
from domain.store import calendar_tokens
from domain.store.migrate import _config
from domain.store.schema import metadata
from domain.store.tables import CalendarFeedRow

PUBLIC = "https://regrights.example.com"
STAMP = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)


def _deal(desk: Desk) -> None:
    desk.ok("s3-eligible on 2026-01-05")
    desk.today = date(2026, 3, 2)
    desk.ok("demand 100000")
    desk.ok("filing-planned 2026-05-01")
    desk.today = date(2026, 3, 20)
    desk.ok("delay 30 from 2026-03-16 reason iii")


def _parse(desk: Desk) -> Calendar:
    feed = channel_feed(desk.service.uow, desk.caller())
    assert feed is not None
    return Calendar.from_ical(feed_ics(feed, STAMP))


def _events(calendar: Calendar) -> dict[str, date]:
    return {str(e["UID"]): e.decoded("DTSTART") for e in calendar.walk("VEVENT")}


def test_the_feed_holds_the_running_deadlines_on_their_due_dates(desk: Desk) -> None:
    _deal(desk)
    calendar = _parse(desk)
    deadlines = desk.ok("deadlines")["deadlines"]
    events = calendar.walk("VEVENT")
    assert sorted(e.decoded("DTSTART").isoformat() for e in events) == sorted(
        d["due"] for d in deadlines
    )
    by_kind = {str(e["UID"]).split("#")[0]: e for e in events}
    assert set(by_kind) == {"holder_notice", "requested_info", "delay_expiry"}
    delay = by_kind["delay_expiry"]
    # All day, on the due date only.
    assert delay.decoded("DTSTART") == date(2026, 4, 15)
    assert delay.decoded("DTEND") == date(2026, 4, 16)
    assert "§2(d)" in str(delay["SUMMARY"]) and "§2(d)" in str(delay["DESCRIPTION"])
    assert "delay extend" in str(delay["DESCRIPTION"])
    assert delay.decoded("DTSTAMP") == STAMP
    # Opened 2026-03-16, due 2026-04-15: every lead of 14, 7, 3, 1, 0 is in force, at 09:00.
    triggers = sorted(a.decoded("TRIGGER").total_seconds() for a in delay.walk("VALARM"))
    assert triggers == sorted(-lead * 86400 + 9 * 3600 for lead in (14, 7, 3, 1, 0))
    assert {str(a["ACTION"]) for a in delay.walk("VALARM")} == {"DISPLAY"}
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])


def test_no_reason_reaches_the_feed(desk: Desk) -> None:
    _deal(desk)
    feed = channel_feed(desk.service.uow, desk.caller())
    assert feed is not None
    text = feed_ics(feed, STAMP).decode().replace("\r\n ", "").lower()
    reason = desk.service.handle("terms", desk.caller()).data  # the profile's reasons are not in it
    assert reason["ok"]
    for wording in ("reason", "iii", "fiduciary", "financing", "acquisition", "negotiation"):
        assert wording not in text


def test_a_moved_date_keeps_its_uid_and_a_closed_deadline_goes(desk: Desk) -> None:
    _deal(desk)
    before = _events(_parse(desk))
    desk.ok("delay extend 10")
    desk.ok("filing-planned 2026-05-20")
    desk.ok("holders-notified")
    after = _events(_parse(desk))
    delay_uid = next(u for u in before if u.startswith("delay_expiry#"))
    assert (before[delay_uid], after[delay_uid]) == (date(2026, 4, 15), date(2026, 4, 25))
    # The holders' notice was given: its deadline is closed and leaves the calendar.
    assert not any(u.startswith("holder_notice#") for u in after)
    assert any(u.startswith("holder_notice#") for u in before)
    # A new plan is a new notice obligation (its own key, as for the alerts): the old entry
    # leaves the feed rather than standing beside the new one.
    planned = [u for u in before if u.startswith("requested_info#")]
    replanned = [u for u in after if u.startswith("requested_info#")]
    assert [after[u] for u in replanned] == [date(2026, 5, 5)]
    assert len(planned) == 1 and planned != replanned


def test_remind_leads_set_the_alarms(desk: Desk) -> None:
    _deal(desk)
    desk.ok("remind leads 5,2")
    desk.ok("remind at 08:30")
    delay = next(e for e in _parse(desk).walk("VEVENT") if "delay_expiry" in str(e["UID"]))
    triggers = sorted(a.decoded("TRIGGER").total_seconds() for a in delay.walk("VALARM"))
    assert triggers == [-5 * 86400 + 8.5 * 3600, -2 * 86400 + 8.5 * 3600]


def _link(desk: Desk, text: str = "calendar link", user: str = ADMIN) -> dict[str, object]:
    desk.service.public_url = PUBLIC
    return desk.service.handle(text, desk.caller(user)).data


def _token(url: object) -> str:
    assert isinstance(url, str) and url.startswith(PUBLIC + "/calendar/") and url.endswith(".ics")
    return url.removeprefix(PUBLIC + "/calendar/").removesuffix(".ics")


def test_the_link_opens_the_feed_until_it_is_reset(desk: Desk) -> None:
    _deal(desk)
    first = _link(desk)
    assert first["ok"] is True and first["reset"] is False
    token = _token(first["url"])
    assert len(base64.urlsafe_b64decode(token + "=")) == TOKEN_BYTES >= 16  # at least 128 bits
    again = _link(desk)  # kept only as its digest: shown once, when it was made
    assert again["ok"] is True and again["url"] is None and again["made_by"] == ADMIN
    with desk.service.uow.read() as store:
        stored = json.dumps(
            [r.model_dump(mode="json") for r in store.session.exec(select(CalendarFeedRow))]
        )
    assert token not in stored
    feed = token_feed(desk.service.uow, token, STAMP)
    assert feed is not None and feed.as_of == date(2026, 3, 20)
    assert [e.uid for e in feed.entries] == [
        e.uid for e in (channel_feed(desk.service.uow, desk.caller()) or feed).entries
    ]
    reset = _link(desk, "calendar reset")
    new = _token(reset["url"])
    assert reset["ok"] is True and reset["reset"] is True and new != token
    assert token_feed(desk.service.uow, token, STAMP) is None
    assert token_feed(desk.service.uow, new, STAMP) is not None
    assert token_feed(desk.service.uow, new[:-1] + ("A" if new[-1] != "A" else "B"), STAMP) is None


def test_without_a_public_address_the_link_is_the_path(desk: Desk) -> None:
    data = desk.service.handle("calendar link", desk.caller()).data
    assert data["url"] is None and str(data["path"]).startswith("/calendar/")
    assert "REGRIGHTS_PUBLIC_URL" in said(desk.service.handle("calendar reset", desk.caller()))


@pytest.mark.parametrize("user", [EDITOR, READER])
def test_only_an_admin_gets_or_resets_the_link_and_a_refusal_writes_nothing(
    desk: Desk, user: str
) -> None:
    for text in ("calendar link", "calendar reset"):
        reply = desk.service.handle(text, desk.caller(user))
        assert not reply.ok and reply.exit_code == 1
        assert "only admins" in said(reply)
    with desk.service.uow.read() as store:
        assert list(store.session.exec(select(CalendarFeedRow))) == []


def test_an_unbound_channel_and_bad_words_change_nothing(desk: Desk) -> None:
    unbound = desk.service.handle("calendar link", desk.caller(channel="CELSEWHERE"))
    assert not unbound.ok and "setup" in said(unbound)
    for text in ("calendar", "calendar links", "calendar link now"):
        bad = desk.service.handle(text, desk.caller())
        assert bad.exit_code == 2 and "calendar link" in said(bad)
    with desk.service.uow.read() as store:
        assert list(store.session.exec(select(CalendarFeedRow))) == []


def test_the_token_is_compared_in_constant_time(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token(_link(desk)["url"])
    compared: list[tuple[bytes, bytes]] = []
    constant_time = hmac.compare_digest

    def compare(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr(calendar_tokens.hmac, "compare_digest", compare)
    assert token_feed(desk.service.uow, token, STAMP) is not None
    digest = calendar_tokens.token_digest(token).encode()
    assert compared == [(digest, digest)]


@pytest.mark.parametrize("name", ["calendar_feed", "delivery", "agreement", "event"])
def test_the_migration_makes_the_table_the_model_describes(engine: Engine, name: str) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        table = metadata.tables[name]
        diffs = [d for d in compare_metadata(context, metadata) if table.name in repr(d)]
    assert diffs == []


def test_a_caller_on_another_day_sees_the_feed_of_that_day(desk: Desk) -> None:
    _deal(desk)
    later = Caller(user=ADMIN, channel=CHANNEL, source="test", now=STAMP, as_of=date(2026, 4, 20))
    feed = channel_feed(desk.service.uow, later)
    assert feed is not None
    # By 2026-04-20 the delay has expired (a deadline closed by passing its date).
    assert not any(e.kind == "delay_expiry" for e in feed.entries)


def test_the_migration_keeps_a_feed_made_before_it_and_drops_its_plain_token(
    engine: Engine,
) -> None:
    def migrate(step: Callable[[Config, str], None], revision: str) -> None:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            step(config, revision)

    migrate(command.downgrade, "0005_announcements")
    token = "T" * 43
    with engine.begin() as connection:
        connection.execute(
            sql(
                "INSERT INTO agreement (profile_id, profile_yaml, created_at, created_by) "
                "VALUES ('nstor-2002', '', :now, 'U1')"
            ),
            {"now": STAMP},
        )
        connection.execute(
            sql(
                "INSERT INTO calendar_feed (agreement_id, token, token_digest, created_by, "
                "created_at) SELECT id, :token, :digest, 'U1', :now FROM agreement"
            ),
            {"token": token, "digest": calendar_tokens.token_digest(token), "now": STAMP},
        )
    migrate(command.upgrade, "head")
    with engine.connect() as connection:
        columns = [c["name"] for c in inspect(connection).get_columns("calendar_feed")]
    assert "token" not in columns
    with Session(engine) as session:
        assert calendar_tokens.agreement_for_token(session, token) is not None
