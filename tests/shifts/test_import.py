"""Rosters in: CSV (all or nothing, naming the line; absence reasons refused), iCalendar feeds served
over HTTP from 127.0.0.1, shifts by hand, and the pages."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.shifts import services
from lms.shifts.models import Shift, ShiftFeed
from lms.shifts.working_time import ShiftKind

OSLO = ZoneInfo("Europe/Oslo")


def shifts_of(person) -> list[Shift]:
    return list(
        db.session.scalars(
            sa.select(Shift).where(Shift.person_id == person.id).order_by(Shift.starts_at)
        )
    )


def local(shift: Shift) -> tuple[str, str]:
    return (
        shift.starts_at.astimezone(OSLO).strftime("%Y-%m-%d %H:%M"),
        shift.ends_at.astimezone(OSLO).strftime("%Y-%m-%d %H:%M"),
    )


GOOD = (
    "e-post;dato;start;slutt;kode\n"
    "nils@testvik.no;2026-03-28;21:30;07:30;N\n"
    "nils@testvik.no;29.03.2026;14:30;22:00;A\n"
    "mona@testvik.no;2026-10-24;22:00;07:30;N\n"
    "mona@testvik.no;2026-10-31;08:00;20:00;LV\n"
)


def test_a_roster_csv_imports_with_the_right_times_across_both_changes(app, org):
    with app.app_context():
        services.set_code(org.ward.id, "LV", ShiftKind.LONG, "Langvakt helg")
        result = services.import_csv(org.ward.id, GOOD.encode())
        assert (result.added, result.people) == (4, 2)
        nils = shifts_of(org.nurse)
        assert [local(s) for s in nils] == [
            ("2026-03-28 21:30", "2026-03-29 07:30"),
            ("2026-03-29 14:30", "2026-03-29 22:00"),
        ]
        assert nils[0].ends_at - nils[0].starts_at == timedelta(hours=9), "an hour lost in spring"
        assert [s.kind for s in nils] == [ShiftKind.NIGHT, ShiftKind.EVENING]
        mona = shifts_of(org.manager)
        assert mona[0].ends_at - mona[0].starts_at == timedelta(hours=10, minutes=30)
        assert (mona[1].kind, mona[1].code) == (ShiftKind.LONG, "LV")

        again = services.import_csv(org.ward.id, GOOD.encode())
        assert again.replaced == 4
        assert len(shifts_of(org.nurse)) == 2, "importing the same file twice changes nothing"


def test_one_bad_line_imports_nothing_and_names_the_line(app, org):
    bad = (
        GOOD
        + "nils@testvik.no;2026-04-01;25:00;07:30;N\n"
        + "ukjent@testvik.no;2026-04-02;07:30;15:30;D\n"
    )
    with app.app_context():
        with pytest.raises(services.ShiftError) as raised:
            services.import_csv(org.ward.id, bad.encode())
        messages = [str(p) for p in raised.value.problems]
        assert messages[0].startswith("Linje 6:") and "klokkeslett" in messages[0]
        assert messages[1].startswith("Linje 7:") and "ukjent@testvik.no" in messages[1]
        assert shifts_of(org.nurse) == []


@pytest.mark.parametrize(
    ("encoding", "separator"), [("utf-16", "\t"), ("cp1252", ";"), ("utf-8", ","), ("utf-8-sig", ";")]
)
def test_every_encoding_and_separator_excel_writes_imports(app, org, encoding, separator):
    lines = [
        ["e-post", "dato", "start", "slutt", "kode"],
        ["nils@testvik.no", "04.05.2026", "07:30", "15:30", "Dø"],
    ]
    data = "\r\n".join(separator.join(line) for line in lines).encode(encoding)
    with app.app_context():
        assert services.import_csv(org.ward.id, data).added == 1
        assert [(local(s), s.code) for s in shifts_of(org.nurse)] == [
            (("2026-05-04 07:30", "2026-05-04 15:30"), "Dø")
        ]


def test_a_line_in_another_encoding_refuses_the_whole_file_naming_the_line(app, org):
    in_utf8 = (GOOD + "nils@testvik.no;2026-05-03;07:30;15:30;Dø\n").encode()
    data = in_utf8 + "nils@testvik.no;2026-05-04;07:30;15:30;Dø\n".encode("cp1252")
    with app.app_context():
        with pytest.raises(services.ShiftError) as raised:
            services.import_csv(org.ward.id, data)
        assert [str(p) for p in raised.value.problems] == [
            "Linje 7: teksten er ikke gyldig UTF-8, så tegn som æ, ø og å kan ikke leses sikkert. "
            "Lagre filen på nytt som CSV (UTF-8) og prøv igjen."
        ]
        assert shifts_of(org.nurse) == []


def test_lines_are_numbered_as_in_the_file_also_after_a_quoted_line_break(app, org):
    data = (
        "e-post;dato;start;slutt;kode\n"
        'nils@testvik.no;2026-05-04;07:30;15:30;"D\n"\n'
        "nils@testvik.no;2026-05-05;07:30;15:30;D\n"
        "nils@testvik.no;2026-05-06;7 30;15:30;D\n"
    )
    with app.app_context():
        with pytest.raises(services.ShiftError) as raised:
            services.import_csv(org.ward.id, data.encode("cp1252"))
        assert str(raised.value).startswith("Linje 5: start og slutt må være klokkeslett")
        assert shifts_of(org.nurse) == []


def test_a_time_that_does_not_exist_is_named(app, org):
    with app.app_context():
        with pytest.raises(services.ShiftError) as raised:
            services.import_csv(
                org.ward.id, b"email,date,start,end\nnils@testvik.no,2026-03-29,02:30,08:00\n"
            )
        assert "Linje 2" in str(raised.value) and "sommertid" in str(raised.value)


def test_a_column_with_absence_reasons_is_refused_and_nothing_is_stored(app, org):
    with_reason = "e-post;dato;start;slutt;årsak\nnils@testvik.no;2026-05-04;07:30;15:30;sykemeldt\n"
    with app.app_context():
        with pytest.raises(services.ShiftError) as raised:
            services.import_csv(org.ward.id, with_reason.encode())
        assert "«årsak»" in str(raised.value) and "fravær" in str(raised.value)
        assert shifts_of(org.nurse) == []


def test_overlapping_lines_are_named(app, org):
    overlapping = (
        "e-post;dato;start;slutt\n"
        "nils@testvik.no;2026-05-04;07:30;15:30\n"
        "nils@testvik.no;2026-05-04;15:00;22:30\n"
    )
    with app.app_context():
        with pytest.raises(services.ShiftError) as raised:
            services.import_csv(org.ward.id, overlapping.encode())
        assert str(raised.value).startswith("Linje 3: vakten overlapper vakten på linje 2")


def test_people_outside_the_unit_cannot_be_given_shifts(app, org):
    with app.app_context(), pytest.raises(services.ShiftError, match=r"ole@testvik\.no"):
        services.import_csv(
            org.ward.id, b"email,date,start,end\nole@testvik.no,2026-05-04,07:30,15:30\n"
        )


# iCalendar feeds --------------------------------------------------------------------------------


def rota_calendar(attendee: str | None = None) -> bytes:
    """A feed as a rota system writes it, made with the icalendar package: Oslo times with TZID."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Turnus//Test//NO")
    calendar.add("version", "2.0")
    times = [
        (datetime(2026, 3, 28, 21, 30), datetime(2026, 3, 29, 7, 30), "N"),
        (datetime(2026, 3, 30, 7, 30), datetime(2026, 3, 30, 15, 30), "Dagvakt"),
        (datetime(2026, 10, 24, 22, 0), datetime(2026, 10, 25, 7, 30), "N"),
    ]
    for number, (start, end, summary) in enumerate(times):
        event = icalendar.Event()
        event.add("uid", f"vakt-{number}@turnus.test")
        event.add("dtstart", start.replace(tzinfo=OSLO))
        event.add("dtend", end.replace(tzinfo=OSLO))
        event.add("summary", summary)
        if attendee:
            event.add("attendee", f"mailto:{attendee}")
        calendar.add_component(event)
    holiday = icalendar.Event()
    holiday.add("uid", "ferie@turnus.test")
    holiday.add("dtstart", date(2026, 7, 1))
    holiday.add("dtend", date(2026, 7, 21))
    holiday.add("summary", "Ferie")
    calendar.add_component(holiday)
    return calendar.to_ical()


class Feeds:
    """A local HTTP server on 127.0.0.1 that serves whatever the test puts at a path."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        pages = self.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *_args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@pytest.fixture
def feeds(app) -> Iterator[Feeds]:
    """The feed server on 127.0.0.1, with private addresses allowed for the test."""
    served = Feeds()
    served.thread.start()
    app.config["SHIFT_FEEDS_PRIVATE"] = True
    yield served
    app.config["SHIFT_FEEDS_PRIVATE"] = False
    served.server.shutdown()
    served.server.server_close()


def test_feeds_on_private_addresses_are_refused_by_default(app, org):
    with app.app_context():
        feed = services.add_feed("http://127.0.0.1:9/feed.ics", person=db.session.merge(org.nurse))
        assert services.sync_feed(feed) is None
        assert feed.last_error == (
            "Adressen peker til et internt nettverk (127.0.0.1), og derfra hentes ingen kalender."
        )


SECRET = "/private/4f9c2e7a1b8d3c6e5f0a/basic.ics"


def test_a_persons_feed_imports_with_the_right_local_times(app, org, feeds):
    feeds.pages[SECRET] = rota_calendar()
    with app.app_context():
        services.set_code(org.ward.id, "N", ShiftKind.NIGHT)
        person = db.session.merge(org.nurse)
        feed = services.add_feed(feeds.url(SECRET), person=person)
        result = services.sync_feed(feed)
        assert result is not None and result.added == 3, feed.last_error
        shifts = shifts_of(org.nurse)
        assert [local(s) for s in shifts] == [
            ("2026-03-28 21:30", "2026-03-29 07:30"),
            ("2026-03-30 07:30", "2026-03-30 15:30"),
            ("2026-10-24 22:00", "2026-10-25 07:30"),
        ]
        assert [s.code for s in shifts] == ["N", None, "N"], "free text is never stored as a code"
        assert shifts[0].starts_at == datetime.fromisoformat("2026-03-28T20:30+00:00")
        assert shifts[2].ends_at - shifts[2].starts_at == timedelta(hours=10, minutes=30)

        feeds.pages[SECRET] = b"BEGIN:VCALENDAR\nthis is not a calendar"
        assert services.sync_feed(feed) is None
        assert feed.last_error and "4f9c2e7a" not in feed.last_error
        assert len(shifts_of(org.nurse)) == 3, "a failed sync changes nothing"


def test_a_units_feed_finds_people_by_attendee(app, org, feeds):
    feeds.pages["/unit.ics"] = rota_calendar(attendee="NILS@testvik.no")
    with app.app_context():
        feed = services.add_feed(feeds.url("/unit.ics"), unit_id=org.ward.id)
        assert services.sync_feed(feed).added == 3
        assert len(shifts_of(org.nurse)) == 3
        feeds.pages["/unit.ics"] = rota_calendar(attendee="nobody@elsewhere.no")
        assert services.sync_feed(feed) is None
        assert "fant ingen person" in feed.last_error


def test_feeds_are_synced_again_on_schedule(app, org, feeds):
    feeds.pages[SECRET] = rota_calendar()
    with app.app_context():
        feed = services.add_feed(feeds.url(SECRET), person=db.session.merge(org.nurse))
        now = datetime.fromisoformat("2026-03-01T12:00+00:00")
        assert services.sync_due_feeds(now) == 1
        assert services.sync_due_feeds(now + timedelta(minutes=30)) == 0
        assert services.sync_due_feeds(now + timedelta(hours=2)) == 1
        assert db.session.get(ShiftFeed, feed.id).last_error is None


def test_the_feed_url_is_never_shown_in_full(app, org, feeds, client):
    feeds.pages[SECRET] = rota_calendar()
    client.sign_in(org.nurse)
    response = client.submit("/shifts/feed", {"feed-url": feeds.url(SECRET)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 vakter" in page
    assert "4f9c2e7a1b8d3c6e5f0a" not in page and "/private/" not in page
    assert "127.0.0.1" in page and "…" in page


# By hand, and the pages ---------------------------------------------------------------------------


def test_a_shift_entered_by_hand_over_midnight_and_its_page(app, org, client):
    client.sign_in(org.nurse)
    response = client.submit(
        "/shifts/add",
        {"shift-day": "2026-10-24", "shift-start": "22:00", "shift-end": "07:30"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    with app.app_context():
        [shift] = shifts_of(org.nurse)
        assert local(shift) == ("2026-10-24 22:00", "2026-10-25 07:30")
        assert shift.kind is ShiftKind.NIGHT
    clash = client.submit(
        "/shifts/add", {"shift-day": "2026-10-25", "shift-start": "06:00", "shift-end": "10:00"}
    )
    assert clash.status_code == 422 and "overlapper" in clash.get_data(as_text=True)


def test_shift_pages_have_headings_and_labels(app, org, client):
    client.sign_in(org.manager)
    mine = client.get("/shifts/").get_data(as_text=True)
    assert "<h1>Mine vakter</h1>" in mine
    for field in ("shift-day", "shift-start", "shift-end", "shift-code", "feed-url"):
        assert f'<label for="{field}"' in mine
    unit = client.get(f"/shifts/units/{org.ward.id}")
    assert unit.status_code == 200
    assert '<label for="roster-file"' in unit.get_data(as_text=True)
    assert client.get(f"/shifts/units/{org.zone.id}").status_code == 403


def test_the_roster_upload_page_names_the_bad_line(app, org, client):
    from io import BytesIO

    client.sign_in(org.manager)
    bad = (
        "e-post;dato;start;slutt\n"
        "nils@testvik.no;2026-05-04;07:30;15:30\n"
        "nils@testvik.no;2026-13-01;07:30;15:30\n"
    )
    response = client.submit(
        f"/shifts/units/{org.ward.id}/import",
        {"roster-file": (BytesIO(bad.encode()), "turnus.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Linje 3" in response.get_data(as_text=True)
    with app.app_context():
        assert shifts_of(org.nurse) == []


@pytest.mark.parametrize(
    ("language", "saturday"),
    [("nb", "lørdag {day}. "), ("nn", "laurdag {day}. "), ("en", "Saturday {day} ")],
)
def test_my_shifts_are_dated_in_the_readers_language(app, org, client, language, saturday):
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    day = today + timedelta(days=3 + (5 - (today + timedelta(days=3)).weekday()) % 7)
    client.sign_in(org.nurse)
    client.submit("/language", {"language": language, "next": "/"})
    fields = {"shift-day": day.isoformat(), "shift-start": "22:00", "shift-end": "07:30"}
    client.submit("/shifts/add", fields)
    page = client.get("/shifts/").get_data(as_text=True)
    assert saturday.format(day=day.day) in page and "22:00–07:30" in page
