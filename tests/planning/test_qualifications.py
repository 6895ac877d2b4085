"""Formal qualifications: the HPR number's format, recording and checking one again, and a
requirement that asks for a formal qualification, counted like any other in the reports."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from lms.competence import services as competence
from lms.competence.models import State
from lms.core.time import local_zone
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.organisation.services import unit_ids_below
from lms.planning import qualifications
from lms.planning.models import Qualification, QualificationKind
from lms.reports import services as reports


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1234567", "1234567"),
        ("12345678", "12345678"),
        ("123456789", "123456789"),
        (" 123 456 78 ", "12345678"),
        ("123456", None),
        ("1234567890", None),
        ("12a4567", None),
        ("１２３４５６７", None),
        ("", None),
        (None, None),
    ],
)
def test_an_hpr_number_is_seven_to_nine_digits(typed, number):
    assert qualifications.normalised_hpr(typed) == number


def _url(person_id: int, tail: str = "") -> str:
    return f"/planning/people/{person_id}/qualifications{tail}"


def test_an_authorisation_needs_a_well_formed_hpr_number(app, client, org):
    client.sign_in(org.manager)
    wrong = client.submit(
        _url(org.nurse.id), {"kind": "authorisation", "title": "Sykepleier", "hpr_number": "12345"}
    )
    assert wrong.status_code == 422
    assert "HPR-nummeret skal være 7 til 9 sifre." in wrong.get_data(as_text=True)
    right = client.submit(
        _url(org.nurse.id),
        {
            "kind": "authorisation",
            "title": "Sykepleier",
            "hpr_number": "9 876 543",
            "achieved_on": "2019-06-20",
        },
        follow_redirects=True,
    )
    page = right.get_data(as_text=True)
    assert "HPR-nummer 9876543" in page and "sist kontrollert" in page


def test_a_trade_certificate_needs_no_hpr_number(app, client, org):
    client.sign_in(org.manager)
    client.submit(
        _url(org.nurse.id), {"kind": "trade_cert", "title": "Helsearbeiderfaget", "hpr_number": "x"}
    )
    with app.app_context():
        found = db.session.scalar(sa.select(Qualification))
        assert (found.kind, found.hpr_number) == (QualificationKind.TRADE_CERTIFICATE, None)


def test_a_requirement_for_an_authorisation_is_met_by_one_and_the_report_counts_it(app, client, org):
    with app.app_context():
        authorisation = qualifications.qualification_competences()[QualificationKind.AUTHORISATION]
        competence.add_requirement(authorisation, db.session.get(Unit, org.ward.id), 2)
        db.session.commit()
        scope = unit_ids_below([org.ward.id])
        before = reports.summary(scope)[0].counts
        assert (before[State.MET], before[State.MISSING]) == (0, 2)
    client.sign_in(org.manager)
    client.submit(
        _url(org.nurse.id), {"kind": "authorisation", "title": "Sykepleier", "hpr_number": "1234567"}
    )
    with app.app_context():
        after = reports.summary(scope)[0].counts
        assert (after[State.MET], after[State.MISSING]) == (1, 1)
        profile, _reqs = competence.profile_of(db.session.get(Person, org.nurse.id))
        assert [s.state for s in profile.requirements] == [State.MET]


def test_checking_again_moves_the_date_and_who_checked(app, client, org):
    with app.app_context():
        found = qualifications.record_qualification(
            db.session.get(Person, org.nurse.id),
            QualificationKind.FURTHER_EDUCATION,
            "Demensomsorg",
            checked_by=db.session.get(Person, org.admin.id),
            checked_on=date(2025, 1, 10),
        )
        db.session.commit()
        found_id = found.id
    client.sign_in(org.manager)
    client.submit(_url(org.nurse.id, "/check"), {"qualification": found_id})
    with app.app_context():
        checked = db.session.get(Qualification, found_id)
        assert checked.checked_on > date(2025, 1, 10)
        assert checked.checked_by_id == org.manager.id


def test_staff_cannot_record_their_own_and_other_units_leaders_cannot_record_any(
    app, client, make_client, org, leaders
):
    client.sign_in(org.nurse)
    data = {"kind": "trade_cert", "title": "Helsearbeiderfaget"}
    assert client.submit(_url(org.nurse.id), data).status_code == 403
    other = make_client()
    other.sign_in(leaders["zone_manager"])
    assert other.submit(_url(org.nurse.id), data).status_code == 403
    assert other.get(_url(org.nurse.id)).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Qualification)) == 0


def test_a_qualification_of_another_person_cannot_be_checked_through_this_one(app, client, org):
    with app.app_context():
        found = qualifications.record_qualification(
            db.session.get(Person, org.manager.id),
            QualificationKind.TRADE_CERTIFICATE,
            "Helsearbeiderfaget",
            checked_by=db.session.get(Person, org.admin.id),
            checked_on=date(2025, 1, 10),
        )
        db.session.commit()
        found_id = found.id
    client.sign_in(org.manager)
    assert client.submit(_url(org.nurse.id, "/check"), {"qualification": found_id}).status_code == 404


def test_a_qualification_is_evidence_of_its_own_kind_at_the_documented_level(app, org):
    from lms.competence.models import Evidence, EvidenceKind

    with app.app_context():
        found = qualifications.record_qualification(
            db.session.get(Person, org.nurse.id),
            QualificationKind.TRADE_CERTIFICATE,
            "Helsearbeiderfaget",
            checked_by=db.session.get(Person, org.manager.id),
            checked_on=date(2026, 3, 1),
            achieved_on=date(2015, 6, 15),
        )
        evidence = db.session.scalar(sa.select(Evidence))
        assert (evidence.kind, evidence.level, evidence.source, evidence.note) == (
            EvidenceKind.QUALIFICATION,
            2,
            f"qualification:{found.id}",
            "Helsearbeiderfaget",
        )
        assert evidence.achieved_at.astimezone(local_zone()).date() == date(2015, 6, 15)
        assert evidence.competence.code == "FK-FAG"
