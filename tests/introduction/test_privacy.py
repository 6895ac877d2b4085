"""The newcomer's programme in "Mine data"; erasing a mentor takes them off their mentees."""

from __future__ import annotations

from lms.extensions import db
from lms.introduction.models import Enrolment
from lms.organisation.models import Person
from lms.privacy.services import erase


def test_mine_data_holds_the_programme_the_mentor_and_what_was_signed_off(client, intro):
    client.sign_in(intro.newcomer)
    sections = client.get("/account/data.json").json["sections"]
    (record,) = sections["introduction"]
    assert record["programme"] == "Ny i hjemmesykepleien, helsefagarbeider"
    assert record["mentor"] == "Marit Fadder"
    assert record["starts_on"] == intro.enrolment.starts_on.isoformat()
    assert sections["profile"][0]["start_date"] == intro.enrolment.starts_on.isoformat()


def test_erasing_a_mentor_leaves_their_mentee_without_one(app, org, intro):
    with app.app_context():
        erase(db.session.get(Person, intro.mentor.id), db.session.get(Person, org.admin.id))
        db.session.flush()
        assert db.session.get(Enrolment, intro.enrolment.id).mentor_id is None
