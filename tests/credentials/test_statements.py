"""Issuing, revoking and importing are xAPI statements (the Open Badges recipe's ``earned``, and a
``voided`` of it on revocation), recorded in the outbox in the same transaction."""

from __future__ import annotations

import json

import sqlalchemy as sa

from lms.credentials import services
from lms.credentials.models import Credential
from lms.extensions import db
from lms.organisation.models import Person
from tests.credentials.conftest import pass_module
from tests.support.frameworks import require_shipped
from xapi.outbox import outbox

EARNED = "http://specification.openbadges.org/xapi/verbs/earned"


def statements() -> list[dict]:
    rows = db.session.execute(sa.select(outbox.c.statement).order_by(outbox.c.id))
    return [json.loads(row.statement) for row in rows]


def test_issuing_is_earned_and_revoking_voids_it(app, org, earned):
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        [earning] = [s for s in statements() if s["verb"]["id"] == EARNED]
        assert earning["actor"]["account"]["name"] == nurse.uuid
        assert earning["object"]["definition"]["type"] == "http://activitystrea.ms/schema/1.0/badge"
        assert earning["object"]["definition"]["name"] == {"nb-NO": "Testkompetanse"}
        assert nurse.name not in json.dumps(earning)

        credential = db.session.get(Credential, earned.credential_id)
        admin = db.session.get(Person, org.admin.id)
        services.revoke(credential, "Feil", admin)
        voiding = statements()[-1]
        assert voiding["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
        assert voiding["object"] == {"objectType": "StatementRef", "id": earning["id"]}
        assert voiding["actor"]["account"]["name"] == admin.uuid


def test_a_competence_badge_is_named_in_every_language_of_the_competence(app, org):
    with app.app_context():
        require_shipped("PSK-1", org.ward.id)
        pass_module(org.nurse.id, "PSK-1", 1)
        [earning] = [s for s in statements() if s["verb"]["id"] == EARNED]

        assert earning["object"]["id"].endswith("/xapi/activities/credential/competence/PSK-1")
        assert earning["object"]["definition"]["name"] == {
            "nb-NO": "Legemiddelhåndtering",
            "nn-NO": "Legemiddelhandtering",
            "en-US": "Medicines management",
        }
        credential = db.session.scalar(sa.select(Credential))
        assert credential.title == "Legemiddelhåndtering"
        db.session.rollback()
