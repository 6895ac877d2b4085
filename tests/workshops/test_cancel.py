"""Cancelling one session: the facilitator calls it off, everyone with a place is told with a
calendar CANCEL, it shows as cancelled, it no longer counts toward the required share, and no
reminder goes out for it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.reminders.items import session_items_for
from lms.workshops import attendance, errors, planning
from tests.conftest import read_mail
from tests.workshops.conftest import BASE, make_series
from tests.workshops.test_ics import calendar_parts


def _clear_mail(app) -> None:
    (app.config["INSTANCE_PATH"] / "mail.log").write_text("", encoding="utf-8")


@pytest.fixture
def coming(app, org):
    """A series whose two sessions are tomorrow and in two weeks."""
    now = utcnow().replace(microsecond=0)
    with app.test_request_context():
        return make_series(org, starts=[now + timedelta(days=1), now + timedelta(weeks=2)])


def test_the_facilitator_cancels_and_everyone_gets_a_calendar_cancel(app, org, client, coming):
    group = coming
    with app.app_context():
        uid = group.session(0).uid
    _clear_mail(app)
    client.sign_in(org.facilitator)
    url = f"/workshops/units/{group.unit_id}/sessions/{group.session_ids[0]}/cancel"
    response = client.submit(url, follow_redirects=True)
    assert "Samlingen er avlyst, og deltakerne har fått beskjed." in response.get_data(as_text=True)
    mail = read_mail(app)
    cancels = calendar_parts(mail, method="CANCEL")
    assert len(cancels) == len(group.people)
    for calendar in cancels:
        (event,) = calendar.walk("VEVENT")
        assert event["UID"] == uid
        assert event["SEQUENCE"] == 1, "higher than the invitation's 0"
        assert str(event["STATUS"]) == "CANCELLED"
    assert "Avlyst: Refleksjonsgruppe: digital hverdag" in mail
    with app.app_context():
        assert group.session(0).cancelled


def test_a_cancelled_session_shows_as_cancelled(app, org, client, group):
    with app.test_request_context():
        planning.cancel_session(group.session(2), now=BASE)
        db.session.commit()
    client.sign_in(org.facilitator)
    manage = client.get(f"/workshops/units/{group.unit_id}/series/{group.series_id}")
    assert manage.get_data(as_text=True).count(">avlyst</span>") == 1
    assert "Fullført ved 2 av 3 samlinger (80 %)" in manage.get_data(as_text=True)
    client.sign_in(org.assistant)
    page = client.get(f"/workshops/series/{group.series_id}").get_data(as_text=True)
    assert page.count(">avlyst</span>") == 1
    assert "Vær med på minst 2 av 3 samlinger." in page


def test_a_cancelled_session_no_longer_counts_toward_the_required_share(app, org, group):
    """80 % of four sessions is three; with one cancelled, 80 % of three is two."""
    with app.test_request_context():
        facilitator, person = db.session.merge(org.facilitator), group.people[0]
        for index in (0, 1):
            session = group.session(index)
            attendance.set_attendance(session, [person.id], facilitator, now=session.starts_at)
        series = group.series()
        assert attendance.required_count(series) == 3
        assert not any(p.completed_at for p in series.participants if p.person_id == person.id)
        planning.cancel_session(group.session(3), now=BASE + timedelta(weeks=3))
        assert attendance.required_count(series) == 2
        (participant,) = [p for p in series.participants if p.person_id == person.id]
        assert participant.completed_at == BASE + timedelta(weeks=3)


def test_no_reminder_is_planned_for_a_cancelled_session(app, org, group):
    now = BASE + timedelta(days=1)
    with app.test_request_context():
        person_id = group.people[0].id
        before = [item.starts_at for item in session_items_for([person_id], now)[person_id]]
        assert group.session(1).starts_at in before
        planning.cancel_session(group.session(1), now=now)
        after = [item.starts_at for item in session_items_for([person_id], now)[person_id]]
        assert group.session(1).starts_at not in after
    assert len(after) == len(before) - 1


def test_a_cancelled_session_takes_no_check_in_no_attendance_and_no_changes(app, org, group):
    with app.test_request_context():
        session = group.session(1)
        planning.cancel_session(session, now=BASE)
        person = group.people[0]
        with pytest.raises(errors.WorkshopError, match="avlyst"):
            attendance.self_check_in(session, person, now=session.starts_at)
        with pytest.raises(errors.WorkshopError, match="avlyst"):
            attendance.set_attendance(session, [person.id], db.session.merge(org.facilitator))
        with pytest.raises(errors.WorkshopError, match="avlyst"):
            planning.update_session(session, session.starts_at, session.ends_at, "Kantina")
        with pytest.raises(errors.WorkshopError, match="allerede avlyst"):
            planning.cancel_session(session, now=BASE)
        assert session.sequence == 1


def test_a_session_that_has_begun_cannot_be_cancelled(app, org, client, group):
    client.sign_in(org.facilitator)
    _clear_mail(app)
    with app.test_request_context():
        with pytest.raises(errors.WorkshopError, match="har begynt"):
            planning.cancel_session(group.session(0), now=BASE + timedelta(minutes=5))
        assert not group.session(0).cancelled
    assert read_mail(app) == ""
