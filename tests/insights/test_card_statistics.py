"""What the modules teach us: per card how many answered, the share right and the spread over the
options, for the module's owner and for facilitators and admins of the people who answered; never
who answered, on the page or in the CSV."""

from __future__ import annotations

from typing import Any

import pytest

from lms.content.models import LearningModule, ModuleVersion
from lms.db import utcnow
from lms.extensions import db
from lms.insights import services
from lms.learning.models import Answer, Attempt
from lms.organisation.models import Person, Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.conftest import add_person

SECRET_REFLECTION = "Jeg glemte å logge ut på medisinrommet"
WRONG, RIGHT = (["a"], 0.0), (["b"], 1.0)


def answered(person: Person, version: ModuleVersion, responses: dict[str, tuple[Any, float | None]]):
    attempt = Attempt(person=person, module_id=version.module_id, version=version)
    attempt.completed_at = utcnow()
    db.session.add(attempt)
    db.session.flush()
    for card_id, (response, score) in responses.items():
        db.session.add(
            Answer(
                attempt_id=attempt.id,
                card_id=card_id,
                client_id=f"{attempt.id}-{card_id}",
                response=response,
                score=score,
            )
        )
    db.session.flush()
    return attempt


def learners(unit: Unit, count: int, prefix: str = "Deltaker") -> list[Person]:
    return [
        add_person(f"{prefix} Hemmelig{i}", f"{prefix.lower()}{i}@testvik.no", unit, Role.STAFF)
        for i in range(count)
    ]


def version_of(module_id: str) -> ModuleVersion:
    return db.session.get(LearningModule, module_id).current_version


@pytest.fixture
def taught(app, org, fixture_module):
    """Twelve people on the ward took the module: 4 got «enkelt» right, 8 wrong; everyone answered
    «sant» right, the poll and a private reflection. The ward's manager owns the module."""
    with app.app_context():
        version = version_of(fixture_module)
        ward = db.session.get(Unit, org.ward.id)
        people = learners(ward, 12)
        for i, person in enumerate(people):
            answered(
                person,
                version,
                {
                    "enkelt": RIGHT if i < 4 else WRONG,
                    "sant": (False, 1.0),
                    "mening": ("daglig" if i % 2 else "sjelden", None),
                    "tanker": (SECRET_REFLECTION, None),
                },
            )
        db.session.get(LearningModule, fixture_module).owner_id = org.manager.id
        db.session.commit()
        return version.id, [(p.name, p.email) for p in people]


def page_and_csv(client, version_id: int) -> tuple[str, str]:
    page = client.get(f"/insights/versions/{version_id}")
    assert page.status_code == 200
    csv = client.get(f"/insights/versions/{version_id}/cards.csv")
    assert csv.status_code == 200
    return page.get_data(as_text=True), csv.data.decode("utf-8-sig")


def test_the_owner_sees_counts_shares_and_spread_and_no_one_named(client, org, taught):
    version_id, people = taught
    client.sign_in(org.manager)
    page, csv = page_and_csv(client, version_id)
    assert "12 har svart. 33 % riktig." in page
    assert "12 har svart. 100 % riktig." in page
    assert "Til gjennomgang: de fleste svarer feil på dette kortet." in page
    assert page.count("Til gjennomgang") == 1
    assert "enkelt,3,single_choice,12,0.333,yes,Lar den stå pålogget til neste vakt,8" in csv
    assert "enkelt,3,single_choice,12,0.333,yes,Logger ut eller låser skjermen,4" in csv
    assert "mening,8,poll,12,,,Hver vakt,6" in csv
    for text in (page, csv):
        for name, email in people:
            assert name not in text and email not in text
        assert "Hemmelig" not in text
        assert SECRET_REFLECTION not in text


def test_a_facilitator_sees_only_the_answers_of_the_units_they_act_on(app, org, taught, make_client):
    version_id, _people = taught
    zone_facilitator = make_client()
    zone_facilitator.sign_in(org.facilitator)
    page, _csv = page_and_csv(zone_facilitator, version_id)
    assert "0 har svart." in page and "12 har svart" not in page

    with app.app_context():
        ward = db.session.get(Unit, org.ward.id)
        ward_facilitator = add_person("Vera Veileder", "vera@testvik.no", ward, Role.FACILITATOR)
        db.session.commit()
    client = make_client()
    client.sign_in(ward_facilitator)
    page, _csv = page_and_csv(client, version_id)
    assert "12 har svart. 33 % riktig." in page


def test_staff_may_not_see_the_statistics(client, org, taught):
    version_id, _people = taught
    client.sign_in(org.nurse)

    assert client.get(f"/insights/versions/{version_id}").status_code == 403
    assert client.get(f"/insights/versions/{version_id}/cards.csv").status_code == 403
    assert client.get("/insights/").status_code == 403


def test_another_municipality_sees_none_of_these_answers(app, taught, make_client):
    version_id, _people = taught
    with app.app_context():
        other = create_unit("Nabovik kommune", UnitKind.MUNICIPALITY)
        admin = add_person("Nils Nabo", "nabo@nabovik.no", other, Role.ADMIN)
        facilitator = add_person("Nora Nabo", "nora@nabovik.no", other, Role.FACILITATOR)
        db.session.commit()
    for person in (admin, facilitator):
        client = make_client()
        client.sign_in(person)
        page, csv = page_and_csv(client, version_id)
        assert "12 har svart" not in page and "Til gjennomgang" not in page
        assert ",12," not in csv


def test_with_fewer_than_five_answers_only_the_count_is_shown(app, org, fixture_module, client):
    with app.app_context():
        version = version_of(fixture_module)
        for person in learners(db.session.get(Unit, org.ward.id), 4):
            answered(person, version, {"enkelt": WRONG, "mening": ("daglig", None)})
        db.session.get(LearningModule, fixture_module).owner_id = org.manager.id
        db.session.commit()
        version_id = version.id
    client.sign_in(org.manager)
    page, csv = page_and_csv(client, version_id)

    assert "4 har svart. <span" in page and "% riktig" not in page
    assert "For få svar til å vise mer." in page
    assert "enkelt,3,single_choice,4,,,," in csv
    assert "Lar den stå" not in csv


@pytest.mark.parametrize(
    ("graded", "right", "flagged"),
    [(10, 4, True), (10, 5, False), (9, 0, False), (40, 19, True), (0, 0, False)],
)
def test_a_card_is_flagged_from_ten_answers_when_under_half_are_right(graded, right, flagged):
    assert services.is_flagged(graded, right) is flagged


def test_the_owners_list_shows_their_module_with_its_flagged_card(client, org, taught):
    client.sign_in(org.manager)
    page = client.get("/insights/").get_data(as_text=True)

    assert "Alle korttyper" in page and "(du er eier)" in page
    assert '<strong class="flag-review">1</strong>' in page


def test_the_page_runs_as_many_queries_for_many_answers_as_for_few(
    app, org, fixture_module, client, count_queries
):
    with app.app_context():
        db.session.get(LearningModule, fixture_module).owner_id = org.manager.id
        version_id = version_of(fixture_module).id
        db.session.commit()
    client.sign_in(org.manager)
    counts = []
    for more in (5, 30):
        with app.app_context():
            version = db.session.get(ModuleVersion, version_id)
            for person in learners(db.session.get(Unit, org.ward.id), more, f"P{more}"):
                answered(person, version, {"enkelt": RIGHT, "sant": (True, 0.0)})
            db.session.commit()
        client.get(f"/insights/versions/{version_id}")  # warm the module cache
        with count_queries() as counted:
            assert client.get(f"/insights/versions/{version_id}").status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1]
