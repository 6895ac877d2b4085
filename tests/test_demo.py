"""``lms demo``: the demo municipality, its people and roles, and the command's guards."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from lms import demo
from lms.access import can_act_on_unit, is_admin
from lms.accounts.services import authenticate
from lms.cli import main
from lms.competence import cells
from lms.competence.models import CompetenceCell
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import JOB_TITLES, Person, Role, RoleAssignment, Unit, UnitKind

DEMO_PASSWORD = "demo-passord-2026"


@pytest.fixture
def built(app: Flask) -> demo.DemoSummary:
    with app.app_context():
        summary = demo.build_demo(DEMO_PASSWORD)
        db.session.commit()
    return summary


def run_demo(app: Flask, *args: str):
    return app.test_cli_runner().invoke(main, args=["demo", *args])


def units_by_name() -> dict[str, Unit]:
    return {unit.name: unit for unit in db.session.scalars(sa.select(Unit))}


def person(email: str) -> Person:
    return db.session.scalar(sa.select(Person).filter_by(email=email))


def roles_of(email: str) -> set[tuple[Role, str]]:
    query = (
        sa.select(RoleAssignment.role, Unit.name)
        .join(Unit, RoleAssignment.unit_id == Unit.id)
        .join(Person, RoleAssignment.person_id == Person.id)
        .where(Person.email == email)
    )
    return {tuple(row) for row in db.session.execute(query)}


def featured(summary: demo.DemoSummary, description_start: str) -> demo.DemoPerson:
    (found,) = [p for p in summary.featured() if p.description.startswith(description_start)]
    return found


def test_unit_tree(app, built):
    with app.app_context():
        units = units_by_name()
    municipality = units["Fjordvik kommune"]
    area = units["Helse og omsorg"]
    leaves = [unit for unit in units.values() if unit.kind == UnitKind.UNIT]
    assert municipality.kind == UnitKind.MUNICIPALITY and municipality.parent_id is None
    assert area.kind == UnitKind.SERVICE_AREA and area.parent_id == municipality.id
    assert sorted(unit.name for unit in leaves) == [
        "Hjemmesykepleien sone Nord",
        "Hjemmesykepleien sone Sør",
        "Solbakken sykehjem, avdeling 1 (skjermet enhet)",
        "Solbakken sykehjem, avdeling 2",
    ]
    assert all(unit.parent_id == area.id for unit in leaves)
    assert len(units) == 6


def test_staff_with_job_titles_spread_over_the_units(app, built):
    with app.app_context():
        staff = db.session.execute(
            sa.select(Person.job_title, Unit.name)
            .join(RoleAssignment, RoleAssignment.person_id == Person.id)
            .join(Unit, RoleAssignment.unit_id == Unit.id)
            .where(RoleAssignment.role == Role.STAFF)
        ).all()
    assert 36 <= len(staff) <= 44
    titles = Counter(title for title, _unit in staff)
    assert set(titles) <= set(JOB_TITLES)
    assert titles.most_common(1)[0][0] == "helsefagarbeider"
    assert titles["sykepleier"] > titles["assistent"] > 0
    assert {"vikar", "spesialsykepleier", "vernepleier", "laerling"} <= set(titles)
    per_unit = Counter(unit for _title, unit in staff)
    assert len(per_unit) == 4 and min(per_unit.values()) >= 8


def test_people_have_distinct_example_addresses_and_phones(app, built):
    with app.app_context():
        people = db.session.scalars(sa.select(Person)).all()
    with_email = [p for p in people if p.email is not None]
    assert len(with_email) == len(built.people) == 43
    assert all(p.email.endswith("@fjordvik.example") and p.email.isascii() for p in with_email)
    assert "camilla.ronning@fjordvik.example" in {p.email for p in people}
    assert len({p.phone for p in people}) == len(people) == 44
    assert all(re.fullmatch(r"\+47[49]\d{7}", p.phone) for p in people), "E.164 mobile numbers"


def test_a_vikar_without_e_mail_has_a_phone_and_a_contract_ending_next_week(app, built):
    with app.app_context():
        (vikar,) = db.session.scalars(sa.select(Person).where(Person.email.is_(None))).all()
        assert (vikar.name, vikar.phone, vikar.job_title) == ("Jonas Lund", "+4748012345", "vikar")
        assert vikar.ends_on == local_today() + timedelta(days=7)
        assert [r.role for r in vikar.roles] == [Role.STAFF]


def test_leaders_hold_the_right_roles_on_the_right_units(app, built):
    zones = {demo.ZONE_NORTH, demo.ZONE_SOUTH}
    wards = {demo.WARD_1, demo.WARD_2}
    with app.app_context():
        assert roles_of(featured(built, "admin").email) == {(Role.ADMIN, "Fjordvik kommune")}
        home_manager = roles_of(featured(built, "avdelingsleder, hjemme").email)
        assert home_manager == {(Role.MANAGER, zone) for zone in zones}
        ward_manager = roles_of(featured(built, "avdelingsleder, Solbakken").email)
        assert ward_manager == {(Role.MANAGER, ward) for ward in wards}
        agent = roles_of(featured(built, "digital agent").email)
        assert agent == {(Role.FACILITATOR, z) for z in zones} | {(Role.STAFF, demo.ZONE_SOUTH)}
        developer = roles_of(featured(built, "fagutviklingssykepleier").email)
        assert developer == {(Role.FACILITATOR, w) for w in wards} | {(Role.STAFF, demo.WARD_2)}
        counts = Counter(db.session.scalars(sa.select(RoleAssignment.role)))
    assert counts[Role.ADMIN] == 1
    assert counts[Role.MANAGER] == 4  # two managers, two units each
    assert counts[Role.FACILITATOR] == 4  # two facilitators, two units each


def test_managers_act_on_their_own_service_only(app, built):
    with app.app_context():
        units = units_by_name()
        home = person(featured(built, "avdelingsleder, hjemme").email)
        ward = person(featured(built, "avdelingsleder, Solbakken").email)
        admin = person(featured(built, "admin").email)
        for zone in demo.HOME_NURSING:
            assert can_act_on_unit(home, units[zone].id)
            assert not can_act_on_unit(ward, units[zone].id)
        for name in demo.NURSING_HOME:
            assert can_act_on_unit(ward, units[name].id)
            assert not can_act_on_unit(home, units[name].id)
        assert not can_act_on_unit(home, units["Helse og omsorg"].id)
        assert is_admin(admin) and not is_admin(home)
        assert all(can_act_on_unit(admin, unit.id) for unit in units.values())


def test_everyone_signs_in_with_the_password(app, built):
    with app.app_context():
        for made in built.people:
            assert authenticate(made.email, DEMO_PASSWORD) is not None, made.email
        assert authenticate(built.people[0].email, "feil-passord-123") is None


def test_two_builds_make_the_same_people(app):
    with app.app_context():
        first, second = _build_and_undo(), _build_and_undo()
    assert first == second
    assert len(first) == 44


def _build_and_undo() -> list[tuple]:
    nested = db.session.begin_nested()
    demo.build_demo(DEMO_PASSWORD)
    people = db.session.execute(
        sa.select(Person.name, Person.email, Person.phone, Person.job_title).order_by(Person.email)
    )
    made = [tuple(row) for row in people]
    nested.rollback()
    db.session.expunge_all()
    return made


def test_command_makes_the_demo_and_prints_how_to_sign_in(app):
    result = run_demo(app, "--password", DEMO_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "http://localhost/login" in result.output
    assert f"Password for all 43 demo people: {DEMO_PASSWORD}" in result.output
    for email in ("kristin.aune", "anne.kvam", "yusuf.demir", "camilla.ronning", "marianne.strand"):
        assert f"{email}@fjordvik.example" in result.output
    assert str(app.config["INSTANCE_PATH"] / "mail.log") in result.output
    with app.app_context():
        assert authenticate("yusuf.demir@fjordvik.example", DEMO_PASSWORD) is not None


def test_command_makes_a_strong_password_when_none_is_given(app):
    result = run_demo(app)
    assert result.exit_code == 0, result.output
    password = result.output.split("demo people: ")[1].split()[0]
    assert len(password) >= 16
    with app.app_context():
        assert authenticate("lan.nguyen@fjordvik.example", password) is not None


def test_command_refuses_a_second_run(app):
    assert run_demo(app, "--password", DEMO_PASSWORD).exit_code == 0
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
    result = run_demo(app, "--password", "et-annet-passord")
    assert result.exit_code == 1
    assert "already has people" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == before
        assert authenticate("kristin.aune@fjordvik.example", "et-annet-passord") is None


def test_if_empty_on_a_database_with_people_does_nothing(app, org):
    result = run_demo(app, "--if-empty")
    assert result.exit_code == 0, result.output
    assert "already has people" in result.output
    assert "http://localhost/login" in result.output
    assert "Password for" not in result.output
    with app.app_context():
        assert person("kristin.aune@fjordvik.example") is None


def test_if_empty_on_an_empty_database_makes_the_demo(app):
    result = run_demo(app, "--if-empty", "--password", DEMO_PASSWORD)
    assert result.exit_code == 0, result.output
    assert f"demo people: {DEMO_PASSWORD}" in result.output


def test_a_short_password_is_refused_before_anything_is_made(app):
    result = run_demo(app, "--password", "kort")
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output
    with app.app_context():
        assert not demo.database_has_people()


def test_a_failure_half_way_leaves_nothing_behind(app, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(demo, "_add_person", fail)
    result = run_demo(app, "--password", DEMO_PASSWORD)
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_demo_help(app):
    result = app.test_cli_runner().invoke(main, args=["demo", "--help"])
    assert result.exit_code == 0
    assert "--if-empty" in result.output and "--password" in result.output


def test_the_demo_has_learning_history_made_through_the_player(app, built, client):
    from lms.assignments.models import Assignment
    from lms.learning.models import Attempt
    from xapi.outbox import outbox

    with app.app_context():
        attempts = db.session.scalars(sa.select(Attempt)).all()
        completed = [a for a in attempts if a.completed]
        assert len(completed) >= 10
        assert any(not a.completed and a.position > 0 for a in attempts), "some are in progress"
        assert any(a.passed is False for a in completed), "someone did not pass"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) >= 5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(outbox)) > len(attempts)

    client.sign_in(person_in_app(app, "ingrid.haugen@fjordvik.example"), DEMO_PASSWORD)
    mine = client.get("/").get_data(as_text=True)
    assert "Trygg innlogging" in mine
    assert "Frist" in mine


def person_in_app(app: Flask, email: str) -> Person:
    with app.app_context():
        return person(email)


def test_the_demo_has_a_newcomer_two_weeks_in_with_a_mentor_and_a_programme_partly_done(app, built):
    from lms.core.time import local_today
    from lms.introduction import services as introduction
    from lms.introduction.demo import MENTOR, NEWCOMER

    with app.app_context():
        newcomer = db.session.scalar(sa.select(Person).where(Person.name == NEWCOMER))
        (found,) = introduction.programmes_of(newcomer)
        assert found.enrolment.starts_on == local_today() - timedelta(days=14)
        assert found.enrolment.mentor.name == MENTOR
        assert 0 < found.standing.done < found.standing.total
        signed = {line.signed_by for line in found.standing.lines if line.signed_by}
        assert signed == {MENTOR}


def test_the_demo_keeps_the_matrix_cells_of_its_roles_requirements_and_status(app, built):
    with app.app_context():
        kept = db.session.scalar(sa.select(sa.func.count()).select_from(CompetenceCell))
        assert kept > 0
        assert cells.differences() == 0


def test_the_demo_has_a_plan_with_measures_and_surveys_with_and_without_results(app, built, client):
    from lms.core.time import local_today
    from lms.planning import plans, surveys
    from lms.planning.models import MeasureStatus, NeedSource

    with app.app_context():
        units = units_by_name()
        north, south = units["Hjemmesykepleien sone Nord"], units["Hjemmesykepleien sone Sør"]
        plan = plans.find_plan(north.id, local_today().year)
        statuses = {m.title: m.status for m in plan.measures}
        assert sorted(statuses.values()) == sorted(
            [MeasureStatus.DONE, MeasureStatus.ONGOING, MeasureStatus.PLANNED]
        )
        assert {m.owner.name for m in plan.measures} == {"Camilla Rønning"}
        sources = {need.source for need in plan.needs}
        assert sources == {NeedSource.GAP, NeedSource.SURVEY, NeedSource.OWN}
        assert [n.text for n in plan.needs if n.source is NeedSource.SURVEY] == ["Digitalt tilsyn"]
        [north_survey] = surveys.surveys_of(north.id)
        [south_survey] = surveys.surveys_of(south.id)
        assert surveys.results(north_survey).answers >= surveys.MIN_ANSWERS
        assert 0 < surveys.results(south_survey).answers < surveys.MIN_ANSWERS
        manager = person("anne.kvam@fjordvik.example")

    client.sign_in(manager, DEMO_PASSWORD)
    page = client.get(f"/planning/units/{north.id}/plan").get_data(as_text=True)
    for title in statuses:
        assert f'data-measure="{title}"' in page
    shown = client.get(f"/planning/units/{north.id}/surveys/{north_survey.id}").get_data(as_text=True)
    assert "7 svar" in shown and "Hvor trygge er de ansatte på systemene?" in shown
    assert "Digitalt tilsyn" in shown and "For få svar" in shown
    withheld = client.get(f"/planning/units/{south.id}/surveys/{south_survey.id}").get_data(as_text=True)
    assert "3 svar" in withheld and "Resultatene vises når minst 5 har svart" in withheld
    assert "Hvor trygge er de ansatte på systemene?" not in withheld
