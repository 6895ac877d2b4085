"""A nurse who has met a competence requirement by passing a module, and so holds a credential."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import current_app

from lms.competence import receivers as competence_receivers
from lms.competence import services as competence
from lms.credentials.models import Credential
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Unit
from tests.support.frameworks import import_test_framework


@dataclass(frozen=True)
class Earned:
    credential_id: int
    token: str
    issuer_unit_id: int
    status_index: int


def pass_module(person_id: int, code: str = "TEST-1", level: int = 2) -> None:
    """What competence's receiver of ``attempt_completed`` gets when a module declaring ``code`` at
    ``level`` is passed (the other receivers, xAPI, want a whole attempt): it records the evidence
    and refreshes the status, and credentials answer the refresh."""
    attempt = SimpleNamespace(person_id=person_id, outcome="passed", completed_at=utcnow())
    module = SimpleNamespace(
        id="alle-korttyper", evidence=[SimpleNamespace(competence=code, level=level)]
    )
    app = current_app._get_current_object()
    competence_receivers.module_completed(app, attempt=attempt, module=module)


@pytest.fixture
def earned(app, org) -> Earned:
    with app.app_context():
        code = import_test_framework("TEST")
        competence.add_requirement(code, db.session.get(Unit, org.ward.id), 2, validity_months=12)
        pass_module(org.nurse.id)
        credential = db.session.scalar(sa.select(Credential).where(Credential.person_id == org.nurse.id))
        made = Earned(credential.id, credential.token, credential.unit_id, credential.status_index)
        db.session.commit()
    return made


def in_a_year_and_a_day():
    return utcnow() + timedelta(days=367)
