"""The manager's view: completion, weekly completions, the matrix and its exports, the audit list,
a person's status; fixed query counts; who may see what."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from lms.assignments.services import assign_to_unit
from lms.competence import services as competence
from lms.competence.models import EvidenceKind, State
from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.organisation.models import Person, Role, Unit
from lms.reports import services as reports
from tests.conftest import add_person
from tests.support.frameworks import import_test_framework


def _codes(*codes):
    return [competence.competences_by_code(codes)[c] for c in codes]


def _staff(unit: Unit, n: int, start: int = 0) -> list[Person]:
    return [
        add_person(f"Ansatt {i:03}", f"ansatt{i}@testvik.no", unit, Role.STAFF, "helsefagarbeider")
        for i in range(start, start + n)
    ]


@pytest.fixture
def requirements(app, org):
    """Shipped frameworks; the ward requires DHK-5 at level 2 (12 months) and recommends GRN-1."""
    with app.app_context():
        competence.load_shipped()
        ward = db.session.get(Unit, org.ward.id)
        security, green = _codes("DHK-5", "GRN-1")
        competence.add_requirement(security, ward, 2, validity_months=12, renewal_days=60)
        competence.add_requirement(green, ward, 1, mandatory=False, validity_months=None)
        db.session.commit()


def test_the_matrix_shows_met_expiring_expired_and_missing(app, org, requirements):
    now = utcnow()
    with app.app_context():
        security, green = _codes("DHK-5", "GRN-1")
        nurse, manager = db.session.get(Person, org.nurse.id), db.session.get(Person, org.manager.id)
        extra = _staff(db.session.get(Unit, org.ward.id), 2)
        competence.record_evidence(
            nurse, security, 2, EvidenceKind.SIGN_OFF, achieved_at=now - timedelta(days=30)
        )
        competence.record_evidence(
            manager, security, 3, EvidenceKind.SIGN_OFF, achieved_at=now - timedelta(days=330)
        )
        competence.record_evidence(
            extra[0], security, 2, EvidenceKind.SIGN_OFF, achieved_at=now - timedelta(days=500)
        )
        competence.self_assess(extra[1], security, 3)
        competence.record_evidence(nurse, green, 1, EvidenceKind.SIGN_OFF, asserted_by=manager)
        db.session.commit()

        m = reports.matrix({org.ward.id})
        by_name = {r.person.name: r for r in m.rows}
        ids = {c.competence.code: c.competence.id for c in m.columns}

        assert [c.competence.code for c in m.columns] == ["DHK-5", "GRN-1"]
        assert by_name[org.nurse.name].cells[ids["DHK-5"]].state is State.MET
        assert by_name[org.manager.name].cells[ids["DHK-5"]].state is State.RENEWAL_DUE
        assert by_name[org.manager.name].cells[ids["DHK-5"]].level == 3
        assert by_name["Ansatt 000"].cells[ids["DHK-5"]].state is State.EXPIRED
        assert by_name["Ansatt 001"].cells[ids["DHK-5"]].state is State.MISSING
        assert by_name[org.nurse.name].cells[ids["GRN-1"]].state is State.MET
        assert not by_name[org.nurse.name].cells[ids["GRN-1"]].mandatory
        security_column = m.columns[0]
        assert security_column.counts == {
            State.MET: 1,
            State.RENEWAL_DUE: 1,
            State.EXPIRED: 1,
            State.MISSING: 1,
        }


def test_the_nightly_refresh_shows_evidence_running_out(app, org, requirements):
    with app.app_context():
        security = _codes("DHK-5")[0]
        nurse = db.session.get(Person, org.nurse.id)
        competence.record_evidence(
            nurse, security, 2, EvidenceKind.SIGN_OFF, achieved_at=utcnow() - timedelta(days=200)
        )
        db.session.commit()
        assert reports.audit({org.ward.id}, security)[1].cell.state is State.MET

        competence.refresh(now=utcnow() + timedelta(days=120))
        assert reports.audit({org.ward.id}, security)[1].cell.state is State.RENEWAL_DUE
        competence.refresh(now=utcnow() + timedelta(days=200))
        assert reports.audit({org.ward.id}, security)[1].cell.state is State.EXPIRED


def test_a_new_member_is_missing_the_requirements_at_once(app, org, requirements):
    with app.app_context():
        newcomer = _staff(db.session.get(Unit, org.ward.id), 1)[0]
        m = reports.matrix({org.ward.id})
        row = next(r for r in m.rows if r.person.id == newcomer.id)
        assert {c.state for c in row.cells.values()} == {State.MISSING}
        assert competence.refresh_expiring() > 0
        row = next(r for r in reports.matrix({org.ward.id}).rows if r.person.id == newcomer.id)
        assert {c.state for c in row.cells.values()} == {State.MISSING}


def test_the_matrix_runs_the_same_queries_for_few_and_many_people(app, org, requirements, count_queries):
    with app.app_context():
        ward = db.session.get(Unit, org.ward.id)
        people = _staff(ward, 3)
        competence.refresh([p.id for p in people])
        db.session.commit()
    with count_queries() as few, app.app_context():
        small = reports.matrix({org.ward.id})
        reports.completion({org.ward.id}, local_today())
        reports.weekly_completions({org.ward.id}, local_today())
    with app.app_context():
        people = _staff(db.session.get(Unit, org.ward.id), 30, start=100)
        competence.refresh([p.id for p in people])
        db.session.commit()
    with count_queries() as many, app.app_context():
        large = reports.matrix({org.ward.id})
        reports.completion({org.ward.id}, local_today())
        reports.weekly_completions({org.ward.id}, local_today())
    assert len(large.rows) == len(small.rows) + 30
    assert many.n == few.n


def test_the_dashboard_and_matrix_pages_do_not_grow_with_the_number_of_people(
    app, org, requirements, client, count_queries, fixture_module
):
    client.sign_in(org.manager)
    with app.app_context():
        assign_to_unit(
            fixture_module, db.session.get(Unit, org.ward.id), local_today() + timedelta(days=7)
        )
        competence.refresh([p.id for p in _staff(db.session.get(Unit, org.ward.id), 3)])
        db.session.commit()
    counts = []
    for extra in (0, 25):
        with app.app_context():
            people = _staff(db.session.get(Unit, org.ward.id), extra, start=200)
            competence.refresh([p.id for p in people])
            db.session.commit()
        with count_queries() as dashboard:
            assert client.get(f"/reports/units/{org.ward.id}").status_code == 200
        with count_queries() as matrix:
            assert client.get(f"/reports/units/{org.ward.id}/matrix").status_code == 200
        counts.append((dashboard.n, matrix.n))
    assert counts[0] == counts[1]


def _take(app, person_id: int, module_id: str, *, finish: bool) -> None:
    from lms.content import services as content
    from lms.demo_history import demo_response

    with app.app_context():
        person = db.session.get(Person, person_id)
        attempt = learning.start_or_resume(person, content.current_version(module_id))
        module = learning.module_of(attempt)
        cards = module.cards if finish else module.cards[:1]
        for card in cards:
            response = demo_response(card, right=True)
            if response is not None:
                learning.submit_answer(attempt, card, response)
            learning.move_to(attempt, module, card.index + 1)
        db.session.commit()


def test_completion_per_assignment_counts_done_in_progress_not_started_and_overdue(
    app, org, fixture_module
):
    with app.app_context():
        ward = db.session.get(Unit, org.ward.id)
        late = assign_to_unit(fixture_module, ward, local_today() - timedelta(days=1))
        staff_only = assign_to_unit(
            fixture_module, ward, local_today() + timedelta(days=5), role=Role.STAFF
        )
        db.session.commit()
        late_id, staff_only_id = late.id, staff_only.id
    _take(app, org.nurse.id, fixture_module, finish=True)
    _take(app, org.manager.id, fixture_module, finish=False)
    with app.app_context():
        rows = {r.assignment.id: r for r in reports.completion({org.ward.id}, local_today())}
        weeks = reports.weekly_completions({org.ward.id}, local_today())

    assert (rows[late_id].done, rows[late_id].in_progress, rows[late_id].not_started) == (1, 1, 0)
    assert rows[late_id].overdue == 1
    assert (rows[staff_only_id].done, rows[staff_only_id].total, rows[staff_only_id].overdue) == (
        1,
        1,
        0,
    )
    assert weeks[-1].completions == 1 and sum(w.completions for w in weeks) == 1


def test_a_passed_module_becomes_evidence_and_the_done_page_names_the_competences(
    app, org, client, fixture_module
):
    with app.app_context():
        import_test_framework()
        db.session.commit()
    _take(app, org.nurse.id, fixture_module, finish=True)
    with app.app_context():
        trail = competence.evidence_trail(db.session.get(Person, org.nurse.id))
        attempt_id = db.session.scalar(
            __import__("sqlalchemy").select(learning.Attempt.id).filter_by(person_id=org.nurse.id)
        )
    assert [(e.competence.code, e.level, e.kind) for e in trail] == [("TEST-1", 2, EvidenceKind.MODULE)]
    client.sign_in(org.nurse)
    page = client.get(f"/attempts/{attempt_id}/done").get_data(as_text=True)
    assert "Testkompetanse" in page
    mine = client.get("/competence/me").get_data(as_text=True)
    assert "Testkompetanse" in mine and "Modul fullført" in mine


def test_self_assessment_is_shown_as_indicative_and_meets_nothing(app, org, requirements, client):
    with app.app_context():
        security = _codes("DHK-5")[0]
        security_id = security.id
    client.sign_in(org.nurse)
    response = client.submit(
        "/competence/me/self-assessment", {"competence": security_id, "level": 3}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Egenvurderingen er lagret" in page
    assert "Egenvurdering (veiledende)" in page
    assert "Mangler" in page
    with app.app_context():
        assert (
            reports.audit({org.ward.id}, db.session.get(type(security), security_id))[1].cell.state
            is State.MISSING
        )


def test_a_manager_signs_off_observed_practice_and_registers_a_certificate(
    app, org, requirements, client
):
    with app.app_context():
        security_id = _codes("DHK-5")[0].id
    client.sign_in(org.manager)
    client.submit(f"/reports/people/{org.nurse.id}/sign-off", {"competence": security_id, "level": 2})
    with app.app_context():
        today = local_today()
    client.submit(
        f"/reports/people/{org.nurse.id}/certificate",
        {
            "competence": security_id,
            "level": 3,
            "name": "Kurs i informasjonssikkerhet, KS",
            "achieved_on": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(),
        },
    )
    page = client.get(f"/reports/people/{org.nurse.id}").get_data(as_text=True)
    assert "Observert praksis godkjent av leder" in page
    assert "Kurs i informasjonssikkerhet, KS" in page
    assert "Oppfylt" in page
    own = client.submit(
        f"/reports/people/{org.manager.id}/sign-off",
        {"competence": security_id, "level": 2},
        follow_redirects=True,
    )
    assert "Du kan ikke godkjenne din egen praksis." in own.get_data(as_text=True)


def test_a_managers_view_of_a_person_never_shows_answers_scores_or_attempts(
    app, org, requirements, client, fixture_module
):
    _take(app, org.nurse.id, fixture_module, finish=True)
    client.sign_in(org.manager)
    page = client.get(f"/reports/people/{org.nurse.id}").get_data(as_text=True)
    from lms.demo_history import REFLECTION

    assert REFLECTION not in page
    assert "%" not in page.split("<main", 1)[1]
    assert "forsøk" not in page.lower()
    assert "innlogg" not in page.lower()


def test_exports_hold_the_figures_of_the_page(app, org, requirements, client):
    with app.app_context():
        security = _codes("DHK-5")[0]
        competence.record_evidence(org.nurse.id, security, 2, EvidenceKind.SIGN_OFF)
        db.session.commit()
    client.sign_in(org.manager)
    csv_text = client.get(f"/reports/units/{org.ward.id}/matrix.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Navn;Stilling;DHK-5 Personvern og informasjonssikkerhet")
    assert f"{org.nurse.name};Sykepleier;Oppfylt (nivå 2 av 2)" in csv_text
    book = load_workbook(io.BytesIO(client.get(f"/reports/units/{org.ward.id}/matrix.xlsx").data))
    summary = list(book["Oppsummering"].iter_rows(values_only=True))
    assert summary[0] == ("Kompetanse", "Oppfylt", "Utløper snart", "Utløpt", "Mangler")
    assert summary[1] == ("DHK-5 Personvern og informasjonssikkerhet", 1, 0, 0, 1)
    audit = client.get(f"/reports/units/{org.ward.id}/audit?competence={security.id}&format=csv")
    assert f"{org.nurse.name};Sykepleier;Oppfylt;2;2;" in audit.data.decode("utf-8-sig")


def test_filters_narrow_the_matrix(app, org, requirements, client):
    client.sign_in(org.manager)
    page = client.get(f"/reports/units/{org.ward.id}/matrix?state=MISSING&q=nils").get_data(as_text=True)
    assert org.nurse.name in page and org.manager.name not in page.split("<table", 1)[1]
    listed = client.get(f"/reports/units/{org.ward.id}/matrix?view=list").get_data(as_text=True)
    assert 'class="person-list"' in listed


def test_only_managers_of_the_unit_see_its_reports(app, org, requirements, make_client):
    outsider_manager = None
    with app.app_context():
        outsider_manager = add_person(
            "Olga Leder", "olga@testvik.no", db.session.get(Unit, org.other_unit.id), Role.MANAGER
        )
        db.session.commit()
    urls = [
        f"/reports/units/{org.ward.id}",
        f"/reports/units/{org.ward.id}/matrix",
        f"/reports/units/{org.ward.id}/matrix.xlsx",
        f"/reports/units/{org.ward.id}/audit",
        f"/reports/units/{org.ward.id}/requirements",
        f"/reports/people/{org.nurse.id}",
    ]
    for person in (outsider_manager, org.nurse, org.facilitator):
        client = make_client()
        client.sign_in(person)
        assert [client.get(url).status_code for url in urls] == [403] * len(urls), person.name
    manager = make_client()
    manager.sign_in(org.manager)
    assert [manager.get(url).status_code for url in urls] == [200] * len(urls)
    assert manager.get(f"/reports/units/{org.area.id}").status_code == 403


def test_a_requirement_added_on_the_page_assigns_the_modules_that_give_it(
    app, org, client, fixture_module
):
    with app.app_context():
        competence.load_shipped()
        security_id = _codes("DHK-5")[0].id
        db.session.commit()
        due = (local_today() + timedelta(days=30)).isoformat()
    client.sign_in(org.manager)
    response = client.submit(
        f"/reports/units/{org.ward.id}/requirements",
        {
            "competence": security_id,
            "min_level": 2,
            "unit": org.ward.id,
            "mandatory": "1",
            "validity_months": "12",
            "renewal_days": "60",
            "due_on": due,
        },
        follow_redirects=True,
    )
    assert "Kravet er lagt til." in response.get_data(as_text=True)
    bad = client.submit(
        f"/reports/units/{org.ward.id}/requirements",
        {"competence": security_id, "min_level": 9, "unit": org.other_unit.id, "renewal_days": "60"},
    )
    assert bad.status_code == 422
    assert "Velg en enhet du leder." in bad.get_data(as_text=True)
