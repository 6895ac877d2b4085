"""«Mine vakter»: shifts entered by hand are ticked and deleted with one button; nobody deletes
someone else's shifts or a roster's."""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person
from lms.shifts import services
from lms.shifts.models import Shift, ShiftSource

NOTHING_DELETED = (
    "Ingen vakter ble slettet: noen av dem er allerede slettet eller kan ikke slettes her. "
    "Se lista slik den er nå."
)


def add_shifts(app, person_id: int, days: range) -> list[int]:
    with app.app_context():
        person = db.session.get(Person, person_id)
        made = [
            services.add_shift(person, local_today() + timedelta(days=d), time(7), time(15)).id
            for d in days
        ]
        db.session.commit()
        return made


def remaining(app, ids: list[int]) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Shift.id).where(Shift.id.in_(ids)).order_by(Shift.id)))


def test_the_list_has_one_delete_button_and_deletes_the_ticked_shifts(app, client, org):
    ids = add_shifts(app, org.nurse.id, range(1, 6))
    client.sign_in(org.nurse)

    page = client.get("/shifts/").get_data(as_text=True)
    assert page.count("Slett valgte vakter") == 1
    assert page.count('type="checkbox" id="shift-') == 5

    response = client.submit("/shifts/delete", {"shift": ids[:2]}, follow_redirects=True)

    assert "2 vakter er slettet." in response.get_data(as_text=True)
    assert remaining(app, ids) == ids[2:]


def test_nothing_ticked_deletes_nothing_and_says_so(app, client, org):
    ids = add_shifts(app, org.nurse.id, range(1, 3))
    client.sign_in(org.nurse)

    response = client.submit("/shifts/delete", follow_redirects=True)

    assert "Kryss av vaktene du vil slette." in response.get_data(as_text=True)
    assert remaining(app, ids) == ids


def test_someone_elses_shift_among_the_ticked_ones_deletes_none(app, client, org):
    mine = add_shifts(app, org.nurse.id, range(1, 2))
    theirs = add_shifts(app, org.assistant.id, range(1, 2))
    client.sign_in(org.nurse)

    response = client.submit("/shifts/delete", {"shift": mine + theirs}, follow_redirects=True)

    assert NOTHING_DELETED in response.get_data(as_text=True)
    assert remaining(app, mine + theirs) == mine + theirs


def test_a_shift_from_the_roster_cannot_be_deleted_by_hand(app, client, org):
    ids = add_shifts(app, org.nurse.id, range(1, 2))
    with app.app_context():
        db.session.get(Shift, ids[0]).source = ShiftSource.CSV
        db.session.commit()
    client.sign_in(org.nurse)

    assert 'type="checkbox"' not in client.get("/shifts/").get_data(as_text=True)
    response = client.submit("/shifts/delete", {"shift": ids}, follow_redirects=True)
    assert NOTHING_DELETED in response.get_data(as_text=True)
    assert remaining(app, ids) == ids


def test_a_second_tap_on_delete_says_the_shifts_are_gone_instead_of_page_not_found(app, client, org):
    ids = add_shifts(app, org.nurse.id, range(1, 4))
    client.sign_in(org.nurse)
    client.submit("/shifts/delete", {"shift": ids[:2]})

    again = client.submit("/shifts/delete", {"shift": ids[:2]})

    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert NOTHING_DELETED in page
    assert page.count('type="checkbox" id="shift-') == 1
    assert remaining(app, ids) == ids[2:]


def test_deleting_without_the_csrf_token_is_refused(app, client, org):
    ids = add_shifts(app, org.nurse.id, range(1, 2))
    client.sign_in(org.nurse)

    assert client.post("/shifts/delete", data={"shift": ids}).status_code == 400
    assert remaining(app, ids) == ids


def test_removing_ones_own_calendar_again_leads_back_and_changes_nothing(app, make_client, org):
    from lms.audit.models import AuditEntry
    from lms.shifts.models import ShiftFeed

    with app.app_context():
        mine = services.add_feed("https://vakter.example/min.ics", person=db.session.merge(org.nurse))
        theirs = services.add_feed(
            "https://vakter.example/hennes.ics", person=db.session.merge(org.assistant)
        )
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    nurse = make_client()
    nurse.sign_in(org.nurse)
    url = f"/shifts/feeds/{mine_id}/delete"
    first = nurse.submit(url)
    assert (first.status_code, first.location) == (302, "/shifts/")
    again = nurse.submit(url)
    assert (again.status_code, again.location) == (303, "/shifts/")
    page = nurse.get(again.location).get_data(as_text=True)
    assert "Kalenderen er allerede fjernet." in page
    assert "Kalenderen er fjernet, med vaktene fra den." not in page
    for never_hers in (theirs_id, 999999):
        assert nurse.submit(f"/shifts/feeds/{never_hers}/delete").status_code == 404

    assistant = make_client()
    assistant.sign_in(org.assistant)
    assert assistant.submit(url).status_code == 404, "someone else's removed feed: as if never there"
    assert "allerede fjernet" not in assistant.get("/shifts/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(sa.select(ShiftFeed.id)).all() == [theirs_id]
        removals = sa.select(AuditEntry).filter_by(action="shifts.feed_remove")
        assert [(e.actor_id, e.details) for e in db.session.scalars(removals)] == [
            (org.nurse.id, {"person_id": org.nurse.id})
        ]
