"""The needs survey: sent to a unit, answered once by its people, results only in aggregate and
never below five answers — on the page, in the CSV and through the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms.api import keys
from lms.extensions import db
from lms.organisation.models import Role, Unit
from lms.planning import surveys
from lms.planning.models import NeedSource, Plan, Survey, SurveyAnswer, SurveyRespondent
from tests.conftest import add_person

SYSTEMS = ["Gerica", "Medisinrom"]


@pytest.fixture
def survey_id(app, client, org) -> int:
    client.sign_in(org.manager)
    client.submit(
        f"/planning/units/{org.ward.id}/surveys",
        {
            "title": "Digitale verktøy",
            "systems": "Gerica\nMedisinrom\n<b>Gerica</b>",
            "closes_on": (date.today() + timedelta(days=14)).isoformat(),
        },
    )
    with app.app_context():
        survey = db.session.scalar(sa.select(Survey))
        assert survey.systems == SYSTEMS
        return survey.id


def _staff(app, org, n: int) -> list:
    with app.app_context():
        ward = db.session.get(Unit, org.ward.id)
        people = [add_person(f"Ansatt {i}", f"ansatt{i}@testvik.no", ward, Role.STAFF) for i in range(n)]
        db.session.commit()
        return people


def _answer(make_client, person, survey_id: int, gerica: int, medisinrom: int = 0):
    phone = make_client()
    phone.sign_in(person)
    return phone.submit(
        f"/planning/surveys/{survey_id}",
        {"system-0": gerica, "system-1": medisinrom, "preference": ["phone", "handover"]},
    )


def test_staff_of_the_unit_find_the_survey_in_the_menu_and_answer_once(app, make_client, org, survey_id):
    phone = make_client()
    phone.sign_in(org.nurse)
    home = phone.get("/").get_data(as_text=True)
    assert f'href="/planning/surveys/{survey_id}"' in home
    form = phone.get(f"/planning/surveys/{survey_id}").get_data(as_text=True)
    assert "Hvor trygg er du på Gerica?" in form
    assert _answer(make_client, org.nurse, survey_id, 2).status_code == 302
    again = _answer(make_client, org.nurse, survey_id, 4)
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRespondent)) == 1
    assert f'href="/planning/surveys/{survey_id}"' not in phone.get("/").get_data(as_text=True)


def test_sending_mails_the_people_of_the_unit_and_nobody_else(app, org, survey_id):
    from email import message_from_string
    from email.policy import default

    from tests.conftest import read_mail

    parts = [p for p in read_mail(app).split("=" * 72) if p.strip()]
    mails = [message_from_string(p.strip(), policy=default) for p in parts]
    assert sorted(m["To"] for m in mails) == ["mona@testvik.no", "nils@testvik.no"]
    assert {m["Subject"] for m in mails} == {"Kartlegging: Digitale verktøy"}
    assert all(f"/planning/surveys/{survey_id}" in m.get_content() for m in mails)


def test_an_answer_is_stored_without_the_person():
    assert "person_id" not in SurveyAnswer.__table__.columns
    assert set(SurveyRespondent.__table__.columns.keys()) == {"survey_id", "person_id"}


def test_someone_outside_the_unit_cannot_answer(make_client, org, survey_id):
    phone = make_client()
    phone.sign_in(org.outsider)
    assert phone.get(f"/planning/surveys/{survey_id}").status_code == 404
    assert _answer(make_client, org.outsider, survey_id, 1).status_code == 404


def _results(client, org, survey_id: int) -> tuple[str, str]:
    base = f"/planning/units/{org.ward.id}/surveys/{survey_id}"
    return client.get(base).get_data(as_text=True), client.get(f"{base}/results.csv").get_data(
        as_text=True
    )


def _api(app, client, org) -> dict:
    with app.app_context():
        db.session.get(Unit, org.ward.id).external_id = "avd-2"
        _key, secret = keys.create_key("Rapporter", ["reports:read"])
        db.session.commit()
    response = client.get("/api/v1/units/avd-2/surveys", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    return response.get_json()["surveys"][0]


def test_four_answers_show_nothing_anywhere(app, client, make_client, org, survey_id):
    for person in _staff(app, org, 4):
        _answer(make_client, person, survey_id, 1, 1)
    page, csv_text = _results(client, org, survey_id)
    assert "4 svar" in page and "data-withheld" in page
    assert "Usikker</th>" not in page
    assert "For få svar til å vise resultater,4" in csv_text
    assert "Gerica" not in csv_text and "Korte moduler" not in csv_text
    found = _api(app, client, org)
    assert (found["answers"], found["shown"], found["systems"], found["preferences"]) == (
        4,
        False,
        [],
        {},
    )


def test_five_answers_show_the_aggregate_and_a_system_fewer_use_stays_hidden(
    app, client, make_client, org, survey_id
):
    people = _staff(app, org, 5)
    for n, person in enumerate(people):
        # Everyone uses Gerica (three unsure); only four use Medisinrom.
        _answer(make_client, person, survey_id, 1 if n < 3 else 4, 0 if n == 0 else 3)
    page, csv_text = _results(client, org, survey_id)
    assert "5 svar" in page and "60 %" in page
    assert "Gerica,5,3,0,0,2" in csv_text
    assert "Medisinrom,4\r\n" in csv_text
    assert "Korte moduler på mobilen,5" in csv_text
    found = _api(app, client, org)
    assert found["shown"] is True
    assert found["systems"] == [
        {"system": "Gerica", "answers": 5, "confidence": {"1": 3, "2": 0, "3": 0, "4": 2}},
        {"system": "Medisinrom", "answers": 4, "confidence": None},
    ]
    assert found["preferences"]["handover"] == 5


def test_the_survey_feeds_the_plans_needs(app, client, make_client, org, survey_id):
    for n, person in enumerate(_staff(app, org, 5)):
        _answer(make_client, person, survey_id, 2 if n < 2 else 4)
    client.get(f"/planning/units/{org.ward.id}/plan")
    with app.app_context():
        plan = db.session.scalar(sa.select(Plan))
        assert [(n.source, n.text) for n in plan.needs] == [(NeedSource.SURVEY, "Gerica")]


def test_too_few_answers_feed_no_need(app, client, make_client, org, survey_id):
    for person in _staff(app, org, 4):
        _answer(make_client, person, survey_id, 1)
    client.get(f"/planning/units/{org.ward.id}/plan")
    with app.app_context():
        assert db.session.scalar(sa.select(Plan)).needs == []


def test_a_survey_suggests_modules_that_name_the_system(app, fixture_module):
    with app.app_context():
        from lms.content.services import published_versions

        title = published_versions()[0].title("nb")
        word = title.split()[0]
        assert title in surveys.suggested_modules(word.upper())
        assert surveys.suggested_modules("Finnes ikke") == []


def test_the_survey_form_needs_systems_and_refuses_too_many(client, org):
    client.sign_in(org.manager)
    url = f"/planning/units/{org.ward.id}/surveys"
    empty = client.submit(url, {"title": "Tom", "systems": "", "closes_on": "2030-01-01"})
    assert empty.status_code == 422 and "Skriv minst ett system." in empty.get_data(as_text=True)
    many = "\n".join(f"System {n}" for n in range(16))
    assert (
        client.submit(url, {"title": "Mange", "systems": many, "closes_on": "2030-01-01"}).status_code
        == 422
    )
