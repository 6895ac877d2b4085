"""The signing keys' secret changed (``LMS_SECRET_KEY`` changed while ``LMS_CREDENTIALS_KEY_SECRET``
was never set): the keys cannot be read. What was earned is still recorded, nothing answers 500, the
people who must act are told, naming the setting, and ``lms credentials check`` says what is wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.credentials import keys
from lms.credentials.models import Credential
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Unit
from lms.workshops import attendance
from lms.workshops.models import WorkshopAttendance, WorkshopParticipant, WorkshopSeries
from tests.workshops.conftest import make_series


@pytest.fixture
def half_done(app, org):
    """A series of four sessions, two held and attended by the assistant, two to come; the
    municipality's signing key made with the secret key of the time."""
    now = utcnow()
    with app.test_request_context():
        group = make_series(
            org, starts=[now + timedelta(weeks=n) for n in (-3, -1, 1, 3)], extra_staff=1
        )
        for index in (0, 1):
            attendance.set_attendance(
                group.session(index), [org.assistant.id], db.session.merge(org.facilitator)
            )
        keys.current_key(db.session.get(Unit, org.municipality.id))
        db.session.commit()
    return group


@pytest.fixture
def secret_changed(app, monkeypatch):
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key")
    monkeypatch.setitem(app.config, "CREDENTIALS_KEY_SECRET", None)


def _completed(group) -> list:
    query = sa.select(WorkshopParticipant.person_id).where(
        WorkshopParticipant.series_id == group.series_id,
        WorkshopParticipant.completed_at.is_not(None),
    )
    return list(db.session.scalars(query))


def test_closing_a_series_with_an_unreadable_key_closes_it_and_says_why_no_credential(
    app, org, client, half_done, secret_changed, caplog
):
    client.sign_in(org.facilitator)
    manage = f"/workshops/units/{org.zone.id}/series/{half_done.series_id}"
    response = client.submit(f"{manage}/close")
    assert (response.status_code, response.location) == (302, manage)
    page = client.get(manage).get_data(as_text=True)
    assert "Serien er avsluttet." in page
    assert "Mikrobevis kunne ikke utstedes" in page and "LMS_CREDENTIALS_KEY_SECRET" in page
    assert "LMS_CREDENTIALS_KEY_SECRET" in caplog.text
    with app.app_context():
        assert db.session.get(WorkshopSeries, half_done.series_id).closed_at is not None
        assert _completed(half_done) == [org.assistant.id]
        attended = sa.select(sa.func.count()).select_from(WorkshopAttendance)
        assert db.session.scalar(attended) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Credential)) == 0
        (entry,) = db.session.scalars(sa.select(AuditEntry).filter_by(action="credential.not_issued"))
        assert (entry.subject_type, entry.subject_id) == ("unit", str(org.municipality.id))
        assert entry.details["people"] == [org.assistant.id]
        assert entry.details["sources"] == [f"workshop:{half_done.series_id}"]


def test_another_units_facilitator_cannot_close_it(app, org, make_client, half_done):
    from lms.organisation.models import Role
    from tests.conftest import add_person

    with app.app_context():
        other = add_person(
            "Per Veileder", "per@testvik.no", db.session.get(Unit, org.ward.id), Role.FACILITATOR
        )
        db.session.commit()
    for person in (other, org.assistant):
        client = make_client()
        client.sign_in(person)
        url = f"/workshops/units/{org.zone.id}/series/{half_done.series_id}/close"
        assert client.submit(url).status_code == 403
    with app.app_context():
        assert db.session.get(WorkshopSeries, half_done.series_id).closed_at is None


def test_ticking_the_attendance_that_completes_the_series_keeps_the_tick(
    app, org, client, half_done, secret_changed
):
    client.sign_in(org.facilitator)
    url = f"/workshops/units/{org.zone.id}/sessions/{half_done.session_ids[2]}/attendance"
    response = client.submit(url, {"present": [str(org.assistant.id)]}, follow_redirects=True)
    assert response.status_code == 200
    assert "LMS_CREDENTIALS_KEY_SECRET" in response.get_data(as_text=True)
    with app.app_context():
        assert _completed(half_done) == [org.assistant.id]
        attended = sa.select(sa.func.count()).select_from(WorkshopAttendance)
        assert db.session.scalar(attended) == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Credential)) == 0


def test_a_requirement_met_is_recorded_without_its_credential(app, org, secret_changed):
    from lms.competence import services as competence
    from lms.competence.models import RequirementStatus, State
    from tests.credentials.conftest import pass_module
    from tests.support.frameworks import import_test_framework

    with app.test_request_context():
        keys.current_key(db.session.get(Unit, org.municipality.id))
        app.config["SECRET_KEY"] = "yet-another-secret-key"
        code = import_test_framework("TEST")
        competence.add_requirement(code, db.session.get(Unit, org.ward.id), 2, validity_months=12)
        pass_module(org.nurse.id)
        state = db.session.scalar(sa.select(RequirementStatus.state).filter_by(person_id=org.nurse.id))
        assert state == State.MET
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Credential)) == 0
        (entry,) = db.session.scalars(sa.select(AuditEntry).filter_by(action="credential.not_issued"))
        assert entry.details["sources"] == ["competence:TEST-1"]


def test_the_status_list_is_unavailable_not_an_error(app, org, client, half_done, secret_changed):
    response = client.get(f"/issuers/{org.municipality.id}/status/1")
    assert response.status_code == 503 and response.headers["Retry-After"] == "300"
    assert client.get(f"/issuers/{org.municipality.id}/did.json").status_code == 200


def test_the_cli_names_the_setting_and_a_rotated_key_issues_again(app, org, half_done, monkeypatch):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["credentials", "check"])
    assert result.exit_code == 0 and "LMS_CREDENTIALS_KEY_SECRET is not set" in result.output
    monkeypatch.setitem(app.config, "CREDENTIALS_KEY_SECRET", "the-secret-from-now-on")
    result = runner.invoke(args=["credentials", "check"])
    assert result.exit_code == 1
    assert "LMS_CREDENTIALS_KEY_SECRET" in result.output and "rotate-key" in result.output
    assert runner.invoke(args=["credentials", "rotate-key"]).exit_code == 0
    result = runner.invoke(args=["credentials", "check"])
    assert (result.exit_code, result.output.strip()) == (0, "OK")
    with app.test_request_context():
        attendance.close_series(db.session.get(WorkshopSeries, half_done.series_id))
        (credential,) = db.session.scalars(sa.select(Credential))
        assert credential.person_id == org.assistant.id


def test_what_was_missed_is_issued_once_the_key_is_put_right(
    app, org, client, half_done, secret_changed, monkeypatch
):
    from lms.competence import services as competence
    from tests.credentials.conftest import pass_module
    from tests.support.frameworks import import_test_framework

    client.sign_in(org.facilitator)
    client.submit(f"/workshops/units/{org.zone.id}/series/{half_done.series_id}/close")
    with app.test_request_context():
        code = import_test_framework("TEST")
        competence.add_requirement(code, db.session.get(Unit, org.ward.id), 2, validity_months=12)
        pass_module(org.nurse.id)
        db.session.commit()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["credentials", "issue-missed"])
    assert refused.exit_code == 1 and "LMS_CREDENTIALS_KEY_SECRET" in refused.output
    monkeypatch.setitem(app.config, "SECRET_KEY", "test-secret-key")  # the secret put back
    for expected in ("2 credential(s) issued", "0 credential(s) issued"):
        result = runner.invoke(args=["credentials", "issue-missed"])
        assert (result.exit_code, result.output.strip()) == (0, expected)
    with app.app_context():
        held = db.session.execute(sa.select(Credential.person_id, Credential.source)).all()
        assert sorted(held) == [
            (org.nurse.id, "competence:TEST-1"),
            (org.assistant.id, f"workshop:{half_done.series_id}"),
        ]


def test_a_passed_marked_module_missed_is_issued_once_the_key_is_put_right(
    app, org, fixture_module, secret_changed, monkeypatch
):
    from tests.credentials.test_modules import PASSED, mark, take

    with app.test_request_context():
        keys.current_key(db.session.get(Unit, org.municipality.id))
        app.config["SECRET_KEY"] = "yet-another-secret-key"
        mark(org.ward.id, fixture_module, org.manager.id)
        attempt = take(org.nurse.id, fixture_module, PASSED)
        assert attempt.passed and db.session.scalar(sa.select(Credential)) is None
        db.session.commit()
        source = f"module:{fixture_module}:{attempt.version_id}"
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key")
    result = app.test_cli_runner().invoke(args=["credentials", "issue-missed"])
    assert (result.exit_code, result.output.strip()) == (0, "1 credential(s) issued")
    with app.app_context():
        held = db.session.execute(sa.select(Credential.person_id, Credential.source)).all()
        assert held == [(org.nurse.id, source)]
