"""A printed sign-in code: made by a manager or admin of the person's unit, shown once, used once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.accounts.models import SignInCode
from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.organisation.models import Person, Role
from lms.organisation.services import grant_role
from tests.conftest import add_person

SHOWN_CODE = re.compile(r'<p class="card-code">([A-Z0-9-]+)</p>')


def make_code(client, person_id: int):
    return client.submit(f"/people/{person_id}/sign-in-code")


def shown_code(response) -> str:
    return SHOWN_CODE.search(response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize(
    ("maker", "target", "allowed"),
    [
        ("manager", "nurse", True),
        ("admin", "nurse", True),
        ("manager", "outsider", False),
        ("nurse", "assistant", False),
        ("nurse", "nurse", False),
        ("facilitator", "assistant", False),
    ],
    ids=[
        "own-unit-manager",
        "admin",
        "other-units-manager",
        "staff",
        "staff-self",
        "facilitator",
    ],
)
def test_who_may_make_a_printed_code(client, org, maker, target, allowed):
    client.sign_in(getattr(org, maker))
    target_id = getattr(org, target).id
    assert (client.get(f"/people/{target_id}/sign-in-code").status_code == 200) is allowed
    assert (make_code(client, target_id).status_code == 200) is allowed
    if not allowed:
        assert make_code(client, target_id).status_code == 403


def test_a_unit_admin_cannot_make_one_for_the_municipality_admin(app, client, org):
    """Even when the municipality admin also holds a role in the unit admin's unit."""
    with app.app_context():
        ward_admin = add_person("Wenche Enhetsadmin", "wenche@testvik.no", org.ward, Role.ADMIN)
        grant_role(db.session.get(Person, org.admin.id), org.ward, Role.STAFF)
        db.session.commit()
    client.sign_in(ward_admin)
    assert make_code(client, org.admin.id).status_code == 403
    assert make_code(client, org.nurse.id).status_code == 200


def test_the_code_is_shown_once_printable_and_signs_in_once(app, client, make_client, org):
    client.sign_in(org.manager)
    made = make_code(client, org.nurse.id)
    page = made.get_data(as_text=True)
    assert "http://localhost/login/code" in page
    assert "Innlogging til Lærevakt for Nils Sykepleier" in page
    code = shown_code(made)
    assert made.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert code not in client.get(f"/people/{org.nurse.id}/sign-in-code").get_data(as_text=True)
    with app.app_context():
        row = db.session.scalars(sa.select(SignInCode)).one()
        assert code.replace("-", "") not in row.code_hash
        assert row.expires_at - row.created_at == timedelta(days=7)
        entry = db.session.scalars(sa.select(AuditEntry).filter_by(action="person.sign_in_code")).one()
        assert (entry.actor_id, entry.subject_id) == (org.manager.id, str(org.nurse.id))

    nurse = make_client()
    typed = code.lower().replace("-", " ")
    assert nurse.submit("/login/code", {"code": typed}).status_code == 302
    assert "Hei, Nils Sykepleier" in nurse.get("/").get_data(as_text=True)
    again = make_client().submit("/login/code", {"code": code})
    assert again.status_code == 401
    assert "Koden er feil, brukt eller utløpt." in again.get_data(as_text=True)


def test_a_new_code_retires_the_old(client, make_client, org):
    client.sign_in(org.manager)
    old = shown_code(make_code(client, org.nurse.id))
    new = shown_code(make_code(client, org.nurse.id))
    assert make_client().submit("/login/code", {"code": old}).status_code == 401
    assert make_client().submit("/login/code", {"code": new}).status_code == 302


def test_an_expired_code_does_not_sign_in(app, client, make_client, org):
    client.sign_in(org.manager)
    code = shown_code(make_code(client, org.nurse.id))
    with app.app_context():
        row = db.session.scalars(sa.select(SignInCode)).one()
        row.expires_at = row.created_at
        db.session.commit()
    assert make_client().submit("/login/code", {"code": code}).status_code == 401


def test_wrong_printed_codes_are_limited_per_client_address(client):
    answers = [client.submit("/login/code", {"code": "AAAA-BBBB-CCCC"}).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_the_managers_person_page_links_to_making_a_code(client, org):
    client.sign_in(org.manager)
    page = client.get(f"/reports/people/{org.nurse.id}").get_data(as_text=True)
    assert f'href="/people/{org.nurse.id}/sign-in-code"' in page
    assert "Lag engangskode for å logge inn" in page
