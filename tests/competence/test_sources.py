"""Evidence from a completed workshop series, and the demo's competence history."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app

from lms import demo, signals
from lms.competence import services
from lms.competence.models import Evidence, EvidenceKind, State
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.reports import services as reports


def test_a_completed_workshop_series_gives_the_evidence_of_its_modules(app, org):
    from lms.content import services as content
    from lms.workshops.models import (
        ParticipantStatus,
        WorkshopModule,
        WorkshopParticipant,
        WorkshopSeries,
    )

    with app.app_context():
        services.load_shipped()
        content.sync()
        zone = db.session.get(Unit, org.zone.id)
        series = WorkshopSeries(unit=zone, title="Refleksjonsgruppe", facilitator_id=org.facilitator.id)
        series.module_links.append(WorkshopModule(module_id="endring-i-egen-enhet"))
        db.session.add(series)
        when = datetime(2026, 10, 1, 12, tzinfo=UTC)
        participant = WorkshopParticipant(
            series=series,
            person_id=org.assistant.id,
            status=ParticipantStatus.SIGNED_UP,
            completed_at=when,
            completion_statement_id=str(uuid.uuid4()),
        )
        db.session.add(participant)
        db.session.flush()
        signals.workshop_series_completed.send(
            current_app._get_current_object(), participant=participant, series=series
        )
        made = db.session.scalars(sa.select(Evidence).filter_by(person_id=org.assistant.id)).all()

        assert sorted((e.competence.code, e.level, e.kind, e.achieved_at) for e in made) == [
            ("DHK-7", 1, EvidenceKind.WORKSHOP, when),
            ("SOFT-1", 1, EvidenceKind.WORKSHOP, when),
            ("SOFT-2", 1, EvidenceKind.WORKSHOP, when),
        ]
        assert {e.source for e in made} == {f"workshop:{series.id}"}


def test_the_demo_matrix_shows_met_expiring_expired_and_missing_cells(app):
    with app.app_context():
        demo.build_demo("demo-passord-2026")
        db.session.commit()
        area = db.session.scalar(sa.select(Unit).filter_by(name=demo.SERVICE_AREA))
        scope = {area.id} | {u.id for u in area.children}
        columns = {c.competence.code: c for c in reports.summary(scope)}
        journal = columns["DHK-2"].counts

        assert {"DHK-2", "DHK-5", "GRN-1", "DHK-3", "DHK-6"} <= set(columns)
        assert all(journal[state] > 0 for state in State), journal
        kinds = Counter(db.session.scalars(sa.select(Evidence.kind)))
        assert {
            EvidenceKind.MODULE,
            EvidenceKind.WORKSHOP,
            EvidenceKind.SELF,
            EvidenceKind.SIGN_OFF,
            EvidenceKind.CERTIFICATE,
        } <= set(kinds)
        manager = db.session.scalar(sa.select(Person).filter_by(name="Yusuf Demir"))
        assert manager is not None


def test_evidence_is_append_only(app, org):
    import pytest

    from lms.competence.models import AppendOnly

    with app.app_context():
        services.load_shipped()
        security = services.competences_by_code(["DHK-5"])["DHK-5"]
        evidence_id = services.record_evidence(org.nurse.id, security, 2, EvidenceKind.MODULE).id
        db.session.commit()
        db.session.get(Evidence, evidence_id).level = 3
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(Evidence, evidence_id))
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(Evidence, evidence_id).level == 2
