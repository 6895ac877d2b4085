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
