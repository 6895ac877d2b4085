"""Invitations and downloads as iCalendar: they parse with ``icalendar`` and keep Europe/Oslo times,
also for sessions on the days summer time starts (2026-03-29) and ends (2026-10-25)."""

from __future__ import annotations

import email
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from lms.workshops import errors, planning
from tests.conftest import read_mail
from tests.workshops.conftest import make_series

OSLO = ZoneInfo("Europe/Oslo")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


@pytest.fixture
def dst_group(app, org):
    with app.test_request_context():
        starts = [
            local(2026, 3, 27, 14, 0),  # CET, +01:00
            local(2026, 3, 29, 14, 0),  # CEST, +02:00: the first day of summer time
            # a night-shift group across the change: 01:30 summer time to 03:30 winter time
            (local(2026, 10, 25, 1, 30), local(2026, 10, 25, 3, 30)),
            local(2026, 10, 25, 14, 0),  # CET again
        ]
        return make_series(org, starts=starts, extra_staff=1)


def events(data: bytes):
    calendar = icalendar.Calendar.from_ical(data)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_series_download_parses_and_keeps_oslo_times(app, org, client, dst_group):
    client.sign_in(org.assistant)
    response = client.get(f"/workshops/series/{dst_group.series_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar, found = events(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]
    starts = [e.decoded("DTSTART") for e in found]
    assert [s.tzinfo.key for s in starts] == ["Europe/Oslo"] * 4
    assert [s.replace(tzinfo=None) for s in starts] == [
        datetime(2026, 3, 27, 14, 0),
        datetime(2026, 3, 29, 14, 0),
        datetime(2026, 10, 25, 1, 30),
        datetime(2026, 10, 25, 14, 0),
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [13, 12, 23, 13]
    night = found[2]
    start, end = night.decoded("DTSTART"), night.decoded("DTEND")
    assert end.replace(tzinfo=None) == datetime(2026, 10, 25, 3, 30)
    assert start.astimezone(UTC) == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    assert "DTSTART;TZID=Europe/Oslo:20260329T140000" in response.get_data(as_text=True)


def test_a_session_download_is_a_request_with_a_stable_uid(app, org, client, dst_group):
    client.sign_in(org.assistant)
    session_id = dst_group.session_ids[1]
    first = client.get(f"/workshops/sessions/{session_id}.ics")
    calendar, (event,) = events(first.data)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == local(2026, 3, 29, 14, 0)
    assert event["ATTENDEE"] == f"mailto:{org.assistant.email}"
    assert str(event["ORGANIZER"]) == f"mailto:{org.facilitator.email}"
    again = client.get(f"/workshops/sessions/{session_id}.ics")
    assert events(again.data)[1][0]["UID"] == event["UID"]


def calendar_parts(mail_log: str, method: str = "REQUEST") -> list[icalendar.Calendar]:
    """The calendars attached to the mails, each checked to be sent with ``method``."""
    found = []
    for chunk in mail_log.split("=" * 72):
        if not chunk.strip():
            continue
        message = email.message_from_string(chunk.strip())
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                assert part.get_param("method") == method
                calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                assert str(calendar["METHOD"]) == method
                found.append(calendar)
    return found


def test_invitations_carry_one_request_per_session(app, org, dst_group):
    calendars = calendar_parts(read_mail(app))
    # two people invited, four sessions each
    assert len(calendars) == 8
    uids = {c.walk("VEVENT")[0]["UID"] for c in calendars}
    assert len(uids) == 4


def test_editing_a_session_sends_an_update_with_a_higher_sequence(app, org, client, dst_group):
    session_id = dst_group.session_ids[3]
    client.sign_in(org.facilitator)
    before = calendar_parts(read_mail(app))
    uid = next(
        c.walk("VEVENT")[0]["UID"]
        for c in before
        if c.walk("VEVENT")[0].decoded("DTSTART") == local(2026, 10, 25, 14, 0)
    )
    (app.config["INSTANCE_PATH"] / "mail.log").unlink()
    response = client.submit(
        f"/workshops/units/{org.zone.id}/sessions/{session_id}/edit",
        {"day": "2026-10-25", "start": "15:00", "end": "16:30", "place": "Kantina"},
    )
    assert response.status_code == 302
    updates = calendar_parts(read_mail(app))
    assert len(updates) == 2
    event = updates[0].walk("VEVENT")[0]
    assert event["UID"] == uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == local(2026, 10, 25, 15, 0)
    assert event.decoded("DTSTART").astimezone(UTC).hour == 14
    assert str(event["LOCATION"]) == "Kantina"
    assert "Endret:" in read_mail(app)


def test_a_time_skipped_by_summer_time_is_refused(app, org):
    with app.test_request_context(), pytest.raises(errors.WorkshopError, match="finnes ikke"):
        planning.session_times(datetime(2026, 3, 29).date(), time(2, 30), time(3, 30))


def test_an_end_before_the_start_is_the_next_morning_across_the_change(app):
    with app.test_request_context():
        start, end = planning.session_times(datetime(2026, 10, 24).date(), time(23, 30), time(3, 30))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=5)
