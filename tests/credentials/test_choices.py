"""The person's choices: how they are named in new credentials; a completed workshop series gives
its own credential; erasure takes the signed copies."""

from __future__ import annotations

import hashlib
import uuid

import sqlalchemy as sa
from flask import current_app

from lms import signals
from lms.credentials import services
from lms.credentials.models import Credential, CredentialKind
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.privacy.services import erase
from tests.credentials import independent
from tests.credentials.conftest import pass_module


def test_a_person_named_by_a_hash_of_their_email_is_not_named(app, org, client, earned):
    client.sign_in(org.nurse)
    client.submit("/credentials/naming", {"naming": "email_hash"})
    with app.test_request_context():
        credential = db.session.get(Credential, earned.credential_id)
        services.revoke(credential, "Ny", db.session.get(Person, org.admin.id))
        pass_module(org.nurse.id)
        fresh = services.credentials_of(org.nurse.id)[0]
        token = fresh.token
    [identity] = independent.parts(token)[1]["credentialSubject"]["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    expected = hashlib.sha256(("nils@testvik.no" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert "Nils" not in token and "nils@" not in token
    assert "Nils" not in str(independent.parts(token)[1])


def test_a_completed_workshop_series_gives_a_credential(app, org):
    from lms.workshops.models import ParticipantStatus, WorkshopParticipant, WorkshopSeries

    with app.test_request_context():
        series = WorkshopSeries(
            unit=db.session.get(Unit, org.zone.id),
            title="Refleksjonsgruppe",
            facilitator_id=org.facilitator.id,
        )
        db.session.add(series)
        participant = WorkshopParticipant(
            series=series,
            person_id=org.assistant.id,
            status=ParticipantStatus.SIGNED_UP,
            completed_at=utcnow(),
            completion_statement_id=str(uuid.uuid4()),
        )
        db.session.add(participant)
        db.session.flush()
        signals.workshop_series_completed.send(
            current_app._get_current_object(), participant=participant, series=series
        )
        [credential] = db.session.scalars(
            sa.select(Credential).where(Credential.person_id == org.assistant.id)
        )
        assert (credential.kind, credential.title, credential.expires_at) == (
            CredentialKind.WORKSHOP,
            "Refleksjonsgruppe",
            None,
        )
        achievement = independent.parts(credential.token)[1]["credentialSubject"]["achievement"]
        assert achievement["achievementType"] == "Course"
        assert achievement["euMicroCredential"]["formOfParticipation"] == "Fysisk oppmøte i gruppe"


def test_erasure_takes_the_signed_copies_and_keeps_the_status_index(app, org, earned):
    with app.test_request_context():
        erase(db.session.get(Person, org.nurse.id), db.session.get(Person, org.admin.id))
        credential = db.session.get(Credential, earned.credential_id)
        db.session.refresh(credential)
        assert (credential.token, credential.shared, credential.status_index) == (
            "",
            False,
            earned.status_index,
        )
