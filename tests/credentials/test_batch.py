"""Issuing many credentials at a time: the competence refresh over many people issues one
credential per met requirement, each with a status index of its own, and a credential from a batch
is the same as one issued alone (and verifies just as well)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lms.competence import services as competence
from lms.competence.models import Evidence, EvidenceKind
from lms.credentials import issuing
from lms.credentials.document import Achievement
from lms.credentials.models import Credential, CredentialKind, LearnerNaming
from lms.credentials.verification import verify
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, Unit
from tests.conftest import add_person
from tests.credentials import independent
from tests.credentials.test_issuing import independently_valid
from tests.support.frameworks import import_test_framework

PEOPLE = 25


def signed_off(person_id: int, competence_id: int) -> None:
    db.session.add(
        Evidence(
            person_id=person_id,
            competence_id=competence_id,
            level=2,
            kind=EvidenceKind.SIGN_OFF,
            source="",
            achieved_at=utcnow(),
        )
    )


def test_a_refresh_over_many_people_issues_one_credential_per_met_requirement(
    app, org, client, monkeypatch
):
    monkeypatch.setattr(issuing, "CHUNK", 7)  # several chunks, a person's two split across them
    with app.app_context():
        first, second = import_test_framework("TEST"), import_test_framework("ANDRE")
        ward = db.session.get(Unit, org.ward.id)
        competence.add_requirement(first, ward, 2, validity_months=12)
        competence.add_requirement(first, db.session.get(Unit, org.municipality.id), 2)
        competence.add_requirement(second, ward, 2)
        people = [
            add_person(f"Person {n}", f"person{n}@testvik.no", ward, Role.STAFF) for n in range(PEOPLE)
        ]
        expected = set()
        for n, person in enumerate(people):
            signed_off(person.id, first.id)
            expected.add((person.id, "competence:TEST-1"))
            if n % 2 == 0:
                signed_off(person.id, second.id)
                expected.add((person.id, "competence:ANDRE-1"))
        db.session.flush()
        competence.refresh([p.id for p in people])
        made = list(
            db.session.scalars(
                sa.select(Credential).where(Credential.person_id.in_([p.id for p in people]))
            )
        )
        assert sorted((c.person_id, c.source) for c in made) == sorted(expected)
        assert len({c.status_index for c in made}) == len(made)
        assert {c.unit_id for c in made} == {org.municipality.id}
        competence.refresh([p.id for p in people])  # held now: nothing more
        assert db.session.scalar(
            sa.select(sa.func.count()).where(Credential.person_id.in_([p.id for p in people]))
        ) == len(made)
        tokens = [c.token for c in made]
        db.session.commit()
    with app.test_request_context():
        for token in tokens:
            assert verify(token).valid
    assert independently_valid(client, tokens[0], utcnow())
    assert independently_valid(client, tokens[-1], utcnow())


def without_what_differs(token: str) -> dict:
    """The credential's payload less its id, issue time, status entry and the learner's hash."""
    _header, payload, _signature = independent.parts(token)
    del payload["id"], payload["validFrom"], payload["credentialStatus"]
    payload["credentialSubject"]["identifier"][0].pop("salt", None)
    payload["credentialSubject"]["identifier"][0].pop("identityHash")
    return payload


def test_a_batch_and_a_single_issue_make_the_same_credentials_and_both_verify(app, org, client):
    achievement = Achievement(
        id="http://localhost/credentials/achievements/SAMLING",
        name="Samling",
        description="Om samlingen",
        criteria="Deltatt",
        achievement_type="Course",
        workload_hours=1.5,
    )
    until = utcnow() + timedelta(days=30)
    with app.test_request_context():
        nurse = db.session.get(Person, org.nurse.id)
        assistant = db.session.get(Person, org.assistant.id)
        issuing.preference(assistant).naming = LearnerNaming.EMAIL_HASH
        ward = db.session.get(Unit, org.ward.id)
        alone = issuing.issue(nurse, ward, CredentialKind.WORKSHOP, "workshop:1", achievement, until)
        batch = issuing.issue_all(
            [
                issuing.Award(nurse, ward, CredentialKind.WORKSHOP, "workshop:1", achievement, until),
                issuing.Award(
                    assistant, ward, CredentialKind.WORKSHOP, "workshop:1", achievement, until
                ),
            ]
        )
        made = [alone, *batch]
        assert [c.status_index for c in made] == [alone.status_index + n for n in range(3)]
        tokens = [c.token for c in made]
        db.session.commit()
    for token in tokens:
        assert independently_valid(client, token, utcnow())
    with app.test_request_context():
        for token in tokens:
            assert verify(token).valid, [c.message for c in verify(token).failed()]
    single, first, hashed = (without_what_differs(t) for t in tokens)
    assert single == first
    assert single["credentialSubject"]["achievement"] == hashed["credentialSubject"]["achievement"]
    assert independent.parts(tokens[2])[1]["credentialSubject"]["identifier"][0]["hashed"] is True
    for token, entry in zip(tokens, made, strict=True):
        status = independent.parts(token)[1]["credentialStatus"]
        assert status["statusListIndex"] == str(entry.status_index)
        assert status["id"] == f"{status['statusListCredential']}#{entry.status_index}"
