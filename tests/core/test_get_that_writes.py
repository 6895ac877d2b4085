"""A GET that writes (an export noted in the audit log) on SQLite, while another connection writes.

A GET's transaction begins as a reader (no write lock). In WAL mode, once another connection has
committed since the reader began, the reader cannot take the write lock at all: its write fails at
once with "database is locked", which the platform answers 503. Seen when a manager downloaded a
plan while the in-process scheduler wrote. ``audit.record`` therefore ends the read transaction
first (``transactions.write_in_a_reading_request``) and writes the entry in one that waits for the
lock.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from lms import create_app
from lms.audit import services as audit
from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.organisation.models import Person, Role, UnitKind
from lms.organisation.services import create_unit
from tests.conftest import add_person, app_config


@pytest.fixture(autouse=True)
def transaction() -> None:
    """Replaces the root conftest's rolled-back transaction: this test has its own database."""


@pytest.fixture
def own_app(tmp_path) -> Iterator[Flask]:
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'get-writes.sqlite3'}"))
    with app.app_context():
        db.create_all()
        ward = create_unit("Sjøgløtt sykehjem", UnitKind.UNIT)
        add_person("Mona Leder", "mona@testvik.no", ward, Role.MANAGER)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_get_that_audits_after_another_writer_committed_keeps_its_entry(own_app):
    with own_app.test_request_context("/reports/units/1/plan.docx", method="GET"):
        manager = db.session.scalars(sa.select(Person)).one()  # the GET reads first
        with db.engine.connect() as job:  # a job of the same process writes meanwhile
            job.execute(sa.update(Person).values(job_title="avdelingsleder"))
            job.commit()
        audit.record(manager, "report.export", "unit", 1, {"report": "plan", "format": "docx"})
        own_app.process_response(own_app.response_class("", status=200))
    with own_app.app_context():
        exported = db.session.execute(sa.select(AuditEntry.action, AuditEntry.subject_id)).all()
        assert [tuple(row) for row in exported] == [("report.export", "1")]
