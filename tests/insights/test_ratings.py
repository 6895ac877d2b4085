"""Learners' own rating of a module: a thumbs and an optional comment, once per completed attempt,
stored with no link to the person; counted for the owner only from five ratings on."""

from __future__ import annotations

from html.parser import HTMLParser

import sqlalchemy as sa
from flask import render_template

from lms.content.models import LearningModule
from lms.extensions import db
from lms.insights.models import ModuleRating
from lms.learning.models import Attempt
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.conftest import add_person
from tests.insights.test_card_statistics import answered, learners, version_of


def _completed(app, person, module_id: str) -> int:
    with app.app_context():
        attempt = answered(db.session.merge(person), version_of(module_id), {})
        db.session.commit()
        return attempt.id


def _ratings(app) -> list[ModuleRating]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ModuleRating)))


def _rate(client, attempt_id: int, thumbs: str = "up", comment: str = ""):
    return client.submit(
        f"/insights/attempts/{attempt_id}/rating", {"thumbs": thumbs, "comment": comment}
    )


def test_a_learner_rates_a_completed_attempt_once(app, org, fixture_module, client):
    attempt_id = _completed(app, org.nurse, fixture_module)
    client.sign_in(org.nurse)

    first = _rate(client, attempt_id, "up", "<script>alert(1)</script>Nyttig <b>modul</b>")
    second = _rate(client, attempt_id, "down", "En gang til")

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"].endswith(f"/attempts/{attempt_id}/done")
    [rating] = _ratings(app)
    assert rating.thumbs_up is True
    assert "<" not in rating.comment and "Nyttig" in rating.comment
    assert rating.rated_month.day == 1
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).rated is True


def test_a_rating_holds_no_link_to_a_person_or_an_attempt(app):
    with app.app_context():
        table = ModuleRating.__table__
        assert {fk.column.table.name for fk in table.foreign_keys} == {"module_versions", "units"}
        assert not {"person_id", "attempt_id", "created_at"} & set(table.columns.keys())


def test_an_open_attempt_or_a_missing_thumbs_gives_no_rating(app, org, fixture_module, client):
    with app.app_context():
        version = version_of(fixture_module)
        attempt = Attempt(person_id=org.nurse.id, module_id=fixture_module, version=version)
        db.session.add(attempt)
        db.session.commit()
        open_id = attempt.id
    done_id = _completed(app, org.nurse, fixture_module)
    client.sign_in(org.nurse)

    _rate(client, open_id)
    _rate(client, done_id, "sideways")

    assert _ratings(app) == []
    with app.app_context():
        assert db.session.get(Attempt, done_id).rated is False


def test_nobody_rates_another_persons_attempt(app, org, fixture_module, client):
    attempt_id = _completed(app, org.nurse, fixture_module)
    client.sign_in(org.assistant)

    assert _rate(client, attempt_id).status_code == 404
    assert _ratings(app) == []


def test_the_rating_include_offers_the_form_and_then_thanks(app, org, fixture_module):
    attempt_id = _completed(app, org.nurse, fixture_module)
    with app.test_request_context():
        attempt = db.session.get(Attempt, attempt_id)
        form = render_template("learning/_rating.html", attempt=attempt)
        attempt.rated = True
        thanks = render_template("learning/_rating.html", attempt=attempt)
        db.session.rollback()

    assert f'action="/insights/attempts/{attempt_id}/rating"' in form
    assert 'name="csrf_token"' in form and 'name="thumbs"' in form
    assert labels(form) == {"thumbs-up": "Tommel opp Nyttig", "thumbs-down": "Tommel ned Ikke nyttig"}
    assert "👍" not in form and "👎" not in form  # no emoji, which some browsers have no font for
    assert "<form" not in thanks and "Takk! Du har vurdert modulen." in thanks


class _Labels(HTMLParser):
    """The text of each ``<label for=...>`` as a screen reader names its radio: the label's text,
    with an icon's ``aria-label`` in its place (and hidden icons left out)."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, list[str]] = {}
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.current = attrs["for"]
            self.found[self.current] = []
        elif tag == "svg" and self.current:
            assert attrs.get("role") == "img" or attrs.get("aria-hidden") == "true"
            if attrs.get("aria-label"):
                self.found[self.current].append(attrs["aria-label"])

    def handle_endtag(self, tag):
        if tag == "label":
            self.current = None

    def handle_data(self, data):
        if self.current and data.strip():
            self.found[self.current].append(data.strip())


def labels(html: str) -> dict[str, str]:
    parser = _Labels()
    parser.feed(html)
    return {key: " ".join(parts) for key, parts in parser.found.items() if key.startswith("thumbs")}


def _rated_by(app, unit_id: int, module_id: str, thumbs: list[str], prefix: str) -> None:
    with app.app_context():
        people = learners(db.session.get(Unit, unit_id), len(thumbs), prefix)
        ids = [answered(p, version_of(module_id), {}).id for p in people]
        db.session.commit()
    for person, attempt_id, thumb in zip(people, ids, thumbs, strict=True):
        client = app.test_client()
        client.sign_in(person)
        _rate(client, attempt_id, thumb, f"Kommentar fra {prefix} <b>fet</b>")


def test_the_owner_sees_the_thumbs_and_comments_from_five_ratings_of_their_municipality(
    app, org, fixture_module, make_client
):
    with app.app_context():
        db.session.get(LearningModule, fixture_module).owner_id = org.manager.id
        other = create_unit("Nabovik kommune", UnitKind.MUNICIPALITY)
        db.session.commit()
        other_id, version_id = other.id, version_of(fixture_module).id
    owner = make_client()
    owner.sign_in(org.manager)
    _rated_by(app, org.ward.id, fixture_module, ["up", "up", "up", "down"], "Testvik")
    _rated_by(app, other_id, fixture_module, ["down"] * 6, "Nabovik")

    page = owner.get(f"/insights/versions/{version_id}").get_data(as_text=True)
    assert "For få vurderinger til å vise dem (minst 5)." in page
    assert "Kommentar fra" not in page

    _rated_by(app, org.ward.id, fixture_module, ["up"], "Testvik2")
    page = owner.get(f"/insights/versions/{version_id}").get_data(as_text=True)
    assert "4 tommel opp, 1 tommel ned." in page
    assert page.count("Kommentar fra Testvik") == 5
    assert "Nabovik" not in page and "<b>fet</b>" not in page
    assert "Hemmelig" not in page


def test_a_ratings_municipality_is_the_top_unit_of_the_rater(app, org, fixture_module):
    with app.app_context():
        facilitator = add_person("Fia", "fia@testvik.no", db.session.get(Unit, org.zone.id), Role.STAFF)
        db.session.commit()
    attempt_id = _completed(app, facilitator, fixture_module)
    client = app.test_client()
    client.sign_in(facilitator)
    _rate(client, attempt_id)

    [rating] = _ratings(app)
    assert rating.municipality_id == org.municipality.id
