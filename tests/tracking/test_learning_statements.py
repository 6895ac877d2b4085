"""Taking a module records the profile's statements in the outbox, in the same transaction."""

import json

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from lms.content.localised import language_map
from lms.content.services import current_version
from lms.extensions import db
from lms.learning import services as learning
from lms.plugins import card_types
from lms.tracking.profile import VERBS
from xapi.outbox import outbox
from xapi.validation import problems

RIGHT = {
    "enkelt": {"response": "b"},
    "flere": {"response": ["b", "c"]},
    "sant": {"response": "false"},
    "rekkefolge": {"position-oppdag": "1", "position-sikre": "2", "position-melde": "3"},
    "tanker": {"text": "Jeg låste ikke skjermen i går. Det skal jeg huske."},
    "mening": {"response": "daglig"},
    "trygghet": {"response": "4"},
    "prov": {"commit": "yes"},
}


def form(fields):
    return MultiDict(
        [(k, v) for k, vs in fields.items() for v in (vs if isinstance(vs, list) else [vs])]
    )


def take_module(person, module_id, answers=RIGHT):
    attempt = learning.start_or_resume(person, current_version(module_id))
    module = learning.module_of(attempt)
    for card in module.cards:
        if card.id in answers:
            card_type = card_types()[card.type]
            learning.submit_answer(attempt, card, card_type.read_response(card, form(answers[card.id])))
        learning.move_to(attempt, module, card.index + 1)
    return attempt


def outbox_statements():
    rows = db.session.execute(sa.select(outbox.c.statement).order_by(outbox.c.id))
    return [json.loads(row.statement) for row in rows]


def verbs_of(statements):
    by_iri = {iri: name for name, (iri, _) in VERBS.items()}
    return [by_iri[s["verb"]["id"]] for s in statements]


def test_a_completed_module_records_every_kind_of_learning_statement(app, org, fixture_module):
    with app.test_request_context():
        nurse = db.session.merge(org.nurse)
        attempt = take_module(nurse, fixture_module)
        statements = outbox_statements()

    verbs = verbs_of(statements)
    assert verbs[0] == "initialized"
    assert verbs.count("answered") == len(RIGHT)
    assert verbs.count("progressed") == 9, "one per card moved on to"
    assert verbs[-2:] == ["completed", "passed"]
    assert all(problems(s) == [] for s in statements)
    assert {s["context"]["registration"] for s in statements} == {attempt.uuid}
    assert len({s["id"] for s in statements}) == len(statements)


def test_the_actor_is_the_persons_opaque_account_never_their_name_or_email(app, org, fixture_module):
    with app.test_request_context():
        nurse = db.session.merge(org.nurse)
        take_module(nurse, fixture_module)
        statements = outbox_statements()
        uuid = nurse.uuid
    text = json.dumps(statements, ensure_ascii=False)
    assert "Nils" not in text
    assert "nils@testvik.no" not in text
    assert {json.dumps(s["actor"]) for s in statements} == {
        json.dumps({"objectType": "Agent", "account": {"homePage": "http://localhost", "name": uuid}})
    }


def test_a_reflection_is_recorded_as_written_but_its_text_never_leaves(app, org, fixture_module):
    with app.test_request_context():
        take_module(db.session.merge(org.nurse), fixture_module)
        statements = outbox_statements()
    reflection = next(s for s in statements if s["object"]["id"].endswith("/card/tanker"))
    assert reflection["object"]["definition"]["interactionType"] == "long-fill-in"
    assert "response" not in reflection["result"]
    assert "låste ikke skjermen" not in json.dumps(statements, ensure_ascii=False)


def test_answers_carry_the_interaction_and_the_result(app, org, fixture_module):
    wrong = {**RIGHT, "enkelt": {"response": "a"}}
    with app.test_request_context():
        take_module(db.session.merge(org.nurse), fixture_module, wrong)
        statements = outbox_statements()
    single = next(s for s in statements if s["object"]["id"].endswith("/card/enkelt"))
    definition = single["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == ["b"]
    assert single["result"]["response"] == "a"
    assert single["result"]["success"] is False
    assert (
        single["object"]["id"] == f"http://localhost/xapi/activities/module/{fixture_module}/card/enkelt"
    )
    assert single["context"]["contextActivities"]["parent"] == [
        {"id": f"http://localhost/xapi/activities/module/{fixture_module}"}
    ]
    completed = next(s for s in statements if s["verb"]["id"].endswith("/completed"))
    assert completed["result"]["score"]["scaled"] == 0.75
    assert (
        completed["context"]["extensions"]["http://localhost/xapi/extensions/module-version"] == "1.0.0"
    )


def test_statements_roll_back_with_the_learning_record(app, org, fixture_module):
    with app.test_request_context():
        take_module(db.session.merge(org.nurse), fixture_module)
        assert outbox_statements()
        db.session.rollback()
        assert outbox_statements() == []


def test_the_player_records_statements_through_http(app, client, org, fixture_module):
    client.sign_in(org.nurse)
    started = client.submit(f"/learn/{fixture_module}/start")
    assert started.status_code == 302
    with app.app_context():
        assert verbs_of(outbox_statements()) == ["initialized"]


def test_a_nynorsk_learner_is_recorded_in_nynorsk(app, org, fixture_module):
    with app.test_request_context():
        nurse = db.session.merge(org.nurse)
        nurse.locale = "nn"
        take_module(nurse, fixture_module)
        statements = outbox_statements()
    assert {s["context"]["language"] for s in statements} == {"nn-NO"}
    assert all(problems(s) == [] for s in statements)


def test_a_name_in_nynorsk_is_tagged_nn_no():
    title = {"nb": "Håndhygiene", "nn": "Handhygiene", "en": "Hand hygiene"}
    assert language_map(title) == {
        "nb-NO": "Håndhygiene",
        "nn-NO": "Handhygiene",
        "en-US": "Hand hygiene",
    }


def test_a_learner_who_has_not_chosen_is_recorded_in_the_municipalitys_language(
    app, org, fixture_module, monkeypatch
):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "nn")
    with app.test_request_context():
        nurse = db.session.merge(org.nurse)
        nurse.locale = None
        take_module(nurse, fixture_module)
        statements = outbox_statements()
    assert {s["context"]["language"] for s in statements} == {"nn-NO"}
