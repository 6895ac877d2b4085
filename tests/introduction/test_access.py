"""Who sees a newcomer's programme and who signs off practical items: the newcomer, their mentor,
another mentor, the unit's manager, another unit's manager and a municipality admin."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.core.time import local_today
from lms.extensions import db
from lms.introduction.models import Enrolment, ProgrammeItem, Tick
from tests.introduction.conftest import join
from tests.workshops.conftest import outbox_statements, verb

CELLS = [
    # who, may see, may sign off
    ("newcomer", 200, 403),
    ("mentor", 200, 302),
    ("other_mentor", 403, 403),
    ("manager", 200, 302),
    ("other_manager", 403, 403),
    ("admin", 200, 302),
]


def actor(intro, org, who: str):
    return {
        "newcomer": intro.newcomer,
        "mentor": intro.mentor,
        "other_mentor": intro.other_mentor,
        "manager": intro.manager,
        "other_manager": org.manager,
        "admin": org.admin,
    }[who]


def medicine_room(app, intro) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(ProgrammeItem.id).where(
                ProgrammeItem.programme_id == intro.programme.id, ProgrammeItem.title == "Medisinrommet"
            )
        )


@pytest.mark.parametrize(("who", "sees", "signs"), CELLS)
def test_who_sees_and_who_signs_off(app, client, org, intro, who, sees, signs):
    client.sign_in(actor(intro, org, who))
    url = f"/introduction/newcomers/{intro.enrolment.id}"
    assert client.get(url).status_code == sees
    item_id = medicine_room(app, intro)
    response = client.submit(f"{url}/sign-off", data={"item": item_id, "done_on": "2026-12-01"})
    assert response.status_code == signs
    with app.app_context():
        ticks = db.session.scalars(sa.select(Tick).where(Tick.enrolment_id == intro.enrolment.id)).all()
        if signs == 302:
            (tick,) = ticks
            assert tick.signed_by_id == actor(intro, org, who).id
            assert str(tick.done_on) == "2026-12-01"
        else:
            assert ticks == []


def test_a_sign_off_is_shown_with_date_and_who_and_goes_to_the_audit_log_and_the_lrs(
    app, client, org, intro
):
    client.sign_in(intro.mentor)
    url = f"/introduction/newcomers/{intro.enrolment.id}"
    item_id = medicine_room(app, intro)
    client.submit(f"{url}/sign-off", data={"item": item_id, "done_on": "2026-12-01"})
    page = client.get(url).text
    assert 'data-item="Medisinrommet" data-done="yes"' in page
    assert "vist og gjennomgått av Marit Fadder" in page
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "introduction.sign_off")
        )
        assert entry.actor_id == intro.mentor.id
        completed = [s for s in outbox_statements() if verb(s) == "completed"]
        (statement,) = completed
        assert statement["actor"]["account"]["name"] == intro.newcomer.uuid
        assert statement["context"]["instructor"]["account"]["name"] == intro.mentor.uuid
        assert statement["object"]["definition"]["name"] == {"nb-NO": "Medisinrommet"}


def test_a_sign_off_in_the_future_is_refused_with_a_message(app, client, intro):
    client.sign_in(intro.mentor)
    url = f"/introduction/newcomers/{intro.enrolment.id}/sign-off"
    response = client.submit(url, data={"item": medicine_room(app, intro), "done_on": "2999-01-01"})
    assert response.status_code == 422
    assert "Datoen kan ikke være fram i tid." in response.text
    with app.app_context():
        assert db.session.scalars(sa.select(Tick)).all() == []


def test_a_sign_off_of_an_item_that_is_not_practical_changes_nothing(app, client, intro):
    client.sign_in(intro.mentor)
    with app.app_context():
        module_item = db.session.scalar(
            sa.select(ProgrammeItem.id).where(
                ProgrammeItem.programme_id == intro.programme.id, ProgrammeItem.module_id.is_not(None)
            )
        )
    url = f"/introduction/newcomers/{intro.enrolment.id}/sign-off"
    response = client.submit(url, data={"item": module_item, "done_on": "2026-12-01"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalars(sa.select(Tick)).all() == []


def test_a_mentor_sees_only_their_mentees(client, intro):
    client.sign_in(intro.mentor)
    page = client.get("/introduction/newcomers").text
    assert 'data-newcomer="Nora Ny"' in page
    assert 'data-newcomer="Per Annen"' not in page


def test_only_the_units_manager_names_a_mentor_and_only_someone_in_the_unit(
    app, make_client, org, intro
):
    url = f"/introduction/newcomers/{intro.enrolment.id}/mentor"
    mentor = make_client()
    mentor.sign_in(intro.mentor)
    assert mentor.submit(url, data={"mentor": intro.other_mentor.id}).status_code == 403
    client = make_client()
    client.sign_in(intro.manager)
    assert client.submit(url, data={"mentor": org.outsider.id}).status_code == 422
    assert client.submit(url, data={"mentor": intro.other_mentor.id}).status_code == 302
    with app.app_context():
        assert db.session.get(Enrolment, intro.enrolment.id).mentor_id == intro.other_mentor.id


def test_the_managers_list_shows_where_each_stands_in_a_fixed_number_of_queries(
    app, client, org, intro, count_queries
):
    client.sign_in(intro.manager)
    client.get("/introduction/newcomers")
    with count_queries() as few:
        page = client.get("/introduction/newcomers").text
    assert 'data-newcomer="Nora Ny"' in page and 'data-newcomer="Per Annen"' in page
    assert "0 av 3 gjort" in page
    with app.app_context():
        for n in range(6):
            join(org, f"Ny {n}", f"ny{n}@testvik.no", local_today())
        db.session.commit()
    with count_queries() as many:
        page = client.get("/introduction/newcomers").text
    assert page.count("data-newcomer=") == 8
    assert many.n == few.n


def test_another_units_manager_cannot_see_or_change_the_programmes(client, org, intro):
    client.sign_in(org.manager)
    unit = intro.programme.unit_id
    assert client.get(f"/units/{unit}/introduction").status_code == 403
    assert client.get(f"/units/{unit}/introduction/{intro.programme.id}").status_code == 403
    response = client.submit(f"/units/{unit}/introduction", data={"title": "Overtatt"})
    assert response.status_code == 403
    # Their own unit's URL with this programme's id: not found, and nothing revealed.
    ward = org.ward.id
    assert client.get(f"/units/{ward}/introduction/{intro.programme.id}").status_code == 404
