"""Newcomers get their unit's programme however they join, with due dates from their start; items
tick themselves on completion; mentors and managers sign off practical items."""

from __future__ import annotations

import io
from datetime import date, time, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.content.services import current_version
from lms.core.time import local_today
from lms.extensions import db
from lms.introduction import receivers, services
from lms.introduction.models import DueRule, Enrolment, ItemKind
from lms.learning import services as learning
from lms.learning.standing import Verdict
from lms.organisation.models import Person, Role, Unit
from lms.reminders.services import open_items
from lms.shifts.services import add_shift
from lms.workshops.planning import SeriesFields, create_series
from tests.conftest import add_person
from tests.introduction.conftest import join, make_programme
from tests.workshops.conftest import outbox_statements, verb


def enrolments_of(person_id: int) -> list[Enrolment]:
    return list(db.session.scalars(sa.select(Enrolment).where(Enrolment.person_id == person_id)))


def lines_of(person: Person) -> dict[str, tuple[date, bool]]:
    (newcomer,) = services.programmes_of(person)
    return {item.title: (line.due_on, line.done) for item, line in newcomer.rows}


def test_a_person_made_by_the_hr_sync_with_a_start_date_gets_the_programme_from_that_start(
    app, client, org, api_headers
):
    with app.app_context():
        zone = db.session.merge(org.zone)
        zone.external_id = "SONE-NORD"
        make_programme(org)
        db.session.commit()
        start = local_today() + timedelta(days=5)
    person = {
        "external_id": "H1",
        "name": "Hedda Ny",
        "job_title": "helsefagarbeider",
        "start_date": start.isoformat(),
        "roles": [{"unit_external_id": "SONE-NORD", "role": "staff"}],
    }
    headers = api_headers("people:write", "people:read")
    response = client.put("/api/v1/people", json={"people": [person]}, headers=headers)
    assert response.status_code == 200, response.json
    assert client.get("/api/v1/people/H1", headers=headers).json["start_date"] == start.isoformat()
    with app.app_context():
        hedda = db.session.scalar(sa.select(Person).where(Person.external_id == "H1"))
        (enrolment,) = enrolments_of(hedda.id)
        assert enrolment.starts_on == start
        # No roster: the 3rd shift is assumed every other day from the start.
        assert lines_of(hedda) == {
            "Medisinrommet": (start + timedelta(days=4), False),
            "Alarmsystemet": (start + timedelta(days=14), False),
        }
        assert [verb(s) for s in outbox_statements()] == ["registered"]
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "introduction.assign")
        )
        assert entry.subject_id == str(hedda.id)
    # The same batch again: nobody joins anything, so the programme is not given twice.
    client.put("/api/v1/people", json={"people": [person]}, headers=headers)
    with app.app_context():
        assert len(enrolments_of(hedda.id)) == 1


def test_a_shift_rule_uses_the_newcomers_roster(app, org):
    with app.app_context():
        make_programme(org)
        start = local_today()
        nora = join(org, "Nora Ny", "nora@testvik.no", start)
        for offset in (1, 2, 6):
            add_shift(nora, start + timedelta(days=offset), time(7, 30), time(15, 30))
        db.session.flush()
        assert lines_of(nora)["Medisinrommet"] == (start + timedelta(days=6), False)


def test_only_newcomers_with_the_programmes_job_title_get_it(app, org):
    with app.app_context():
        make_programme(org)
        zone = db.session.merge(org.zone)
        nurse = add_person("Siri Sykepleier", "siri@testvik.no", zone, Role.STAFF, "sykepleier")
        assert enrolments_of(nurse.id) == []


def test_the_csv_import_gives_the_programme_from_the_files_start_date(app, client, org):
    with app.app_context():
        make_programme(org)
        db.session.commit()
    client.sign_in(org.admin)
    csv = (
        "navn;e-post;enhet;rolle;stilling;startdato\n"
        "Ida Import;ida@testvik.no;Hjemmesykepleien sone Nord;ansatt;helsefagarbeider;15.01.2027\n"
    )
    response = client.submit(
        "/admin/people/import",
        data={"file": (io.BytesIO(csv.encode()), "folk.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302), response.text
    with app.app_context():
        ida = db.session.scalar(sa.select(Person).where(Person.email == "ida@testvik.no"))
        assert ida.start_date == date(2027, 1, 15)
        (enrolment,) = enrolments_of(ida.id)
        assert enrolment.starts_on == date(2027, 1, 15)


def test_a_bad_start_date_in_the_csv_is_named_and_changes_nothing(app, client, org):
    client.sign_in(org.admin)
    csv = (
        "navn;e-post;enhet;rolle;startdato\n"
        "Ida Import;ida@testvik.no;Hjemmesykepleien sone Nord;ansatt;i morgen\n"
    )
    response = client.submit(
        "/admin/people/import",
        data={"file": (io.BytesIO(csv.encode()), "folk.csv")},
        content_type="multipart/form-data",
    )
    assert "«i morgen» er ikke en dato" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(Person).where(Person.email == "ida@testvik.no")) is None


def test_a_person_added_by_hand_starts_today_and_gets_the_programme(app, client, org):
    with app.app_context():
        make_programme(org)
        zone_id = org.zone.id
        db.session.commit()
    client.sign_in(org.admin)
    response = client.submit(
        "/admin/people/new",
        data={
            "name": "Hans Hånd",
            "email": "hans@testvik.no",
            "job_title": "helsefagarbeider",
            "unit": zone_id,
            "role": "staff",
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        hans = db.session.scalar(sa.select(Person).where(Person.email == "hans@testvik.no"))
        assert hans.start_date == local_today()
        assert [e.starts_on for e in enrolments_of(hans.id)] == [local_today()]


def test_a_passed_module_ticks_its_item_and_a_failed_one_does_not(app, intro, fixture_module):
    with app.app_context():
        nora = db.session.merge(intro.newcomer)
        version = current_version(fixture_module)
        failed = learning.start_or_resume(nora, version)
        learning.complete(failed, learning.module_of(failed))
        assert failed.outcome == Verdict.FAILED
        assert lines_of(nora)["Alle korttyper"][1] is False
        passed = learning.start_or_resume(nora, version)
        result = learning.Outcome(score=1.0, passed=True, verdict=Verdict.PASSED)
        learning.complete(passed, learning.module_of(passed), result)
        assert lines_of(nora)["Alle korttyper"] == (
            intro.enrolment.starts_on + timedelta(days=7),
            True,
        )


def test_a_completed_workshop_series_ticks_its_item(app, intro):
    with app.app_context():
        programme = db.session.merge(intro.programme)
        zone = db.session.get(Unit, programme.unit_id)
        series = create_series(zone, db.session.merge(intro.manager), SeriesFields(title="Refleksjon"))
        services.add_item(
            programme, ItemKind.WORKSHOP, "Refleksjon", DueRule.DAYS, 60, series_id=series.id
        )
        receivers.series_completed(
            app, participant=SimpleNamespace(person_id=intro.newcomer.id), series=series
        )
        assert lines_of(db.session.merge(intro.newcomer))["Refleksjon"][1] is True


def test_the_newcomers_open_items_are_fed_to_the_reminder_planner(app, intro, fixture_module):
    with app.app_context():
        items = open_items(db.session.merge(intro.newcomer))
        introduction = {i.item.ref: i for i in items if i.kind == "introduction"}
        assert len(introduction) == 3
        paths = sorted(i.path for i in introduction.values())
        assert paths == ["/introduction", "/introduction", f"/learn/{fixture_module}"]
        assert all(i.item.required for i in introduction.values())


def test_the_home_page_and_din_introduksjon_show_whats_due(app, client, intro):
    client.sign_in(intro.newcomer)
    home = client.get("/").text
    assert "Din introduksjon" in home
    assert "Ny i hjemmesykepleien, helsefagarbeider" in home
    page = client.get("/introduction").text
    assert 'data-item="Medisinrommet" data-done="no"' in page
    assert "innen 3. vakt" in page
    assert "Fadder: Marit Fadder" in page
    assert 'href="/learn/' in page
