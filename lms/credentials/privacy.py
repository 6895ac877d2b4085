"""Credentials for "Mine data", and erasure: the signed copies (which name the person) and the
imports go; the issued rows stay without their token so that their status index is never reused."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.credentials.models import Credential, CredentialPreference, ImportedCredential
from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, delete_owned, owned, record_of
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    issued = owned(Credential, person, Credential.issued_at)
    imported = owned(ImportedCredential, person, ImportedCredential.imported_at)
    return [
        Section(
            "credentials",
            _("Mikrobevis"),
            [
                record_of(c, "uuid", "title", "issued_at", "expires_at", "revoked_at", "shared", "token")
                for c in issued
            ]
            + [record_of(i, "issuer", "title", "imported_at", "token") for i in imported],
            order=85,
        )
    ]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    db.session.execute(
        sa.update(Credential)
        .where(Credential.person_id == erasure.person.id)
        .values(token="", shared=False),
        execution_options={"synchronize_session": False},
    )
    delete_owned(erasure.person, ImportedCredential, CredentialPreference)
