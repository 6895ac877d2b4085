"""Taking a module through the player's pages, as a phone without JavaScript would: every card type,
right and wrong answers, resuming on another device, answers sent again by the service worker, and
who may see an attempt."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from lms.content import services as content
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Answer, Attempt
from lms.organisation.models import Person
from lms.testing import CSRF_INPUT

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "modules" / "alle-korttyper"
MODULE = "alle-korttyper"
CARDS = 10

RIGHT = {
    2: {"response": "b"},
    3: {"response": ["b", "c"]},
    4: {"response": "false"},
    5: {"position-oppdag": "1", "position-sikre": "2", "position-melde": "3"},
    6: {"text": "Sist fredag, på vaktrommet."},
    7: {"response": "daglig"},
    8: {"response": "4"},
    9: {"commit": "yes"},
}
WRONG = {
    **RIGHT,
    4: {"response": "true"},
    5: {"position-oppdag": "3", "position-sikre": "2", "position-melde": "1"},
}


def install_copy(app, tmp_path: Path, module_id: str) -> None:
    folder = tmp_path / module_id
    shutil.copytree(FIXTURE, folder)
    manifest = folder / "module.yaml"
    text = manifest.read_text(encoding="utf-8").replace(f"id: {MODULE}", f"id: {module_id}", 1)
    text = text.replace("nb: Alle korttyper", f"nb: Kopi {module_id}", 1)
    manifest.write_text(text, encoding="utf-8")
    with app.app_context():
        content.install(folder, "test", publish=True)
        db.session.commit()


def start(client, module_id: str = MODULE) -> int:
    response = client.submit(f"/learn/{module_id}/start")
    assert response.status_code == 302
    found = re.search(r"/attempts/(\d+)/cards/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def token_from(page: str) -> str:
    return CSRF_INPUT.search(page).group(1)


def answer(client, attempt_id: int, index: int, fields: dict):
    return client.submit(f"/attempts/{attempt_id}/cards/{index}", fields)


def go_on(client, attempt_id: int, index: int):
    return client.submit(f"/attempts/{attempt_id}/cards/{index}/next")


def take_module(client, attempt_id: int, answers: dict[int, dict], upto: int = CARDS):
    """Answer or pass each card from the first up to (not including) ``upto``, as the buttons do."""
    response = None
    for index in range(upto):
        if index in answers:
            response = answer(client, attempt_id, index, answers[index])
            assert response.status_code == 302, (index, response.get_data(as_text=True)[:500])
            if response.headers["Location"].endswith(f"/cards/{index}"):
                page = client.get(response.headers["Location"]).get_data(as_text=True)
                assert "Riktig!" in page or "Ikke helt." in page
                response = go_on(client, attempt_id, index)
        else:
            response = go_on(client, attempt_id, index)
        assert response.status_code == 302
    return response


def attempt_row(app, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def answers_of(app, attempt_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Answer.card_id, Answer.client_id).where(Answer.attempt_id == attempt_id)
        )
        return [tuple(row) for row in rows]


def test_every_card_answered_right_passes_with_full_score(client, org, module, app):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    first = client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True)
    assert "Kort 1 av 10" in first
    # the intro card takes no answer: its answer form is hidden (the player on the phone uses it
    # for the cards that do), its "Neste" shown
    assert re.search(r'data-player-form="answer" novalidate hidden>', first)
    assert re.search(r'data-player-form="next">', first)

    last = take_module(client, attempt_id, RIGHT)

    assert last.headers["Location"].endswith(f"/attempts/{attempt_id}/done")
    page = client.get(last.headers["Location"]).get_data(as_text=True)
    assert "Du har bestått «Alle korttyper»" in page
    assert "Du fikk 100 % riktig." in page
    assert "Dette bommet du på" not in page and "Prøv igjen" not in page
    assert "Bestått!" in page
    assert "TEST-1" in page
    attempt = attempt_row(app, attempt_id)
    assert attempt.completed and attempt.passed and attempt.score == 1.0
    assert len(answers_of(app, attempt_id)) == len(RIGHT)


def test_wrong_answers_show_the_score_and_do_not_pass(client, org, module, app):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    feedback = answer(client, attempt_id, 4, WRONG[4])
    page = client.get(feedback.headers["Location"]).get_data(as_text=True)
    assert "Ikke helt." in page
    assert "Riktig!" not in page

    last = take_module(client, attempt_id, WRONG)

    page = client.get(last.headers["Location"]).get_data(as_text=True)
    assert "Du har ikke bestått «Alle korttyper» denne gangen" in page
    assert "Du har fullført" not in page
    assert "Du fikk 50 % riktig." in page
    assert "Grensen for bestått er 75 %" in page
    assert "Bestått!" not in page
    # no evidence without a pass: what it would count towards, once passed
    assert "Når du består, teller modulen mot" in page and "Se Min kompetanse" not in page
    attempt = attempt_row(app, attempt_id)
    assert attempt.completed and attempt.passed is False and attempt.score == 0.5
    assert attempt.outcome == "failed"


def test_a_failed_attempt_shows_what_was_missed_and_offers_a_new_attempt(client, org, module, app):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    last = take_module(client, attempt_id, WRONG)
    page = client.get(last.headers["Location"]).get_data(as_text=True)
    review = page.split('id="review-heading"')[1].split("</section>")[0]
    # the two questions answered wrong, each with the answer given and the right one
    assert review.count('class="card-view card-content review-card"') == 2
    assert "ditt svar" in review and ("riktig svar" in review or "riktig rekkefølge" in review)
    assert "Listen viser riktig rekkefølge." in review and "Ikke helt." in review
    assert "Fullført, ikke bestått" in page

    again = client.submit(f"/learn/{module}/start")
    new_id = int(again.headers["Location"].split("/attempts/")[1].split("/")[0])
    assert new_id != attempt_id and not attempt_row(app, new_id).completed


def test_another_device_continues_on_the_card_where_the_person_stopped(make_client, org, module):
    phone = make_client()
    phone.sign_in(org.nurse)
    attempt_id = start(phone)
    take_module(phone, attempt_id, RIGHT, upto=3)  # now on card 4 (index 3)

    ward_pc = make_client()
    ward_pc.sign_in(org.nurse)
    mine = ward_pc.get("/").get_data(as_text=True)
    assert "Kort 4 av 10" in mine
    page = ward_pc.get(f"/learn/{MODULE}").get_data(as_text=True)
    assert "Fortsett der du slapp" in page
    assert "Du er på kort 4 av 10." in page

    response = ward_pc.submit(f"/learn/{MODULE}/start")

    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/cards/3")
    card = ward_pc.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kort 4 av 10" in card
    assert "Hvilke passord er sterke?" in card


def test_an_answer_sent_again_with_the_same_client_id_is_stored_once(client, org, module, app):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    with app.app_context():
        db.session.get(Attempt, attempt_id).started_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
    page = client.get(f"/attempts/{attempt_id}/cards/2").get_data(as_text=True)
    headers = {"X-CSRFToken": token_from(page)}
    client_id = str(uuid.uuid4())
    given = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    payload = {
        "card_id": "enkelt",
        "fields": {"response": "b"},
        "client_id": client_id,
        "answered_at": given,
    }

    first = client.post(f"/attempts/{attempt_id}/answers", json=payload, headers=headers)
    again = client.post(f"/attempts/{attempt_id}/answers", json=payload, headers=headers)
    other_id = client.post(
        f"/attempts/{attempt_id}/answers",
        json={**payload, "client_id": str(uuid.uuid4()), "fields": {"response": "a"}},
        headers=headers,
    )

    assert first.status_code == 201
    assert first.get_json()["stored"] is True and first.get_json()["client_id"] == client_id
    assert "Riktig!" in first.get_json()["html"]  # the card as graded, for the phone to show
    assert again.status_code == 200 and again.get_json()["stored"] is False
    assert other_id.status_code == 200 and other_id.get_json()["stored"] is False
    assert answers_of(app, attempt_id) == [("enkelt", client_id)]
    with app.app_context():
        stored = db.session.scalar(sa.select(Answer).filter_by(client_id=client_id))
        assert stored.score == 1.0
        assert abs(stored.answered_at - datetime.fromisoformat(given)) < timedelta(seconds=1)
    card = client.get(f"/attempts/{attempt_id}/cards/2").get_data(as_text=True)
    assert "Riktig!" in card


def test_the_json_answers_need_the_csrf_token(client, org, module, app):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    payload = {"card_id": "enkelt", "fields": {"response": "b"}, "client_id": str(uuid.uuid4())}

    response = client.post(f"/attempts/{attempt_id}/answers", json=payload)

    assert response.status_code == 400
    assert answers_of(app, attempt_id) == []


def test_another_person_cannot_open_the_attempt(make_client, org, module):
    nurse = make_client()
    nurse.sign_in(org.nurse)
    attempt_id = start(nurse)
    assistant = make_client()
    assistant.sign_in(org.assistant)

    assert assistant.get(f"/attempts/{attempt_id}/cards/0").status_code == 404
    assert assistant.get(f"/attempts/{attempt_id}/done").status_code == 404
    assert assistant.submit(f"/attempts/{attempt_id}/cards/0/next").status_code == 404


def test_a_scored_card_cannot_be_skipped_with_next(client, org, module, app):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    take_module(client, attempt_id, RIGHT, upto=2)

    response = go_on(client, attempt_id, 2)

    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/cards/2")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Svar på spørsmålet før du går videre." in page
    assert attempt_row(app, attempt_id).position == 2
    assert go_on(client, attempt_id, 9).headers["Location"].endswith(f"/cards/{2}")
    assert not attempt_row(app, attempt_id).completed


def test_a_manager_never_sees_a_reflection(make_client, org, module, app):
    nurse = make_client()
    nurse.sign_in(org.nurse)
    attempt_id = start(nurse)
    take_module(nurse, attempt_id, RIGHT)
    reflection = RIGHT[6]["text"]
    assert reflection in nurse.get(f"/attempts/{attempt_id}/cards/6").get_data(as_text=True)

    manager = make_client()
    manager.sign_in(org.manager)  # leads the nurse's ward

    for url in (f"/attempts/{attempt_id}/cards/6", f"/attempts/{attempt_id}/done"):
        response = manager.get(url)
        assert response.status_code == 404, url
        assert reflection not in response.get_data(as_text=True)
    page = manager.get("/").get_data(as_text=True)
    token = token_from(page)
    sent = manager.post(
        f"/attempts/{attempt_id}/answers",
        json={"card_id": "tanker", "fields": {"text": "x"}, "client_id": str(uuid.uuid4())},
        headers={"X-CSRFToken": token},
    )
    assert sent.status_code == 404
    unit = manager.get(f"/units/{org.ward.id}").get_data(as_text=True)
    assert reflection not in unit


def make_attempts(app, person: Person, module_ids: list[str]) -> None:
    """One completed and one open attempt per pair of modules, straight through the services."""
    with app.app_context():
        person = db.session.get(Person, person.id)
        for n, module_id in enumerate(module_ids):
            version = content.current_version(module_id)
            attempt = learning.start_or_resume(person, version)
            if n % 2 == 0:
                learning.complete(attempt, learning.module_of(attempt))
        db.session.commit()


def test_mine_lists_started_completed_and_available_modules(client, org, module, app, tmp_path):
    install_copy(app, tmp_path, "kopi-a")
    install_copy(app, tmp_path, "kopi-b")
    make_attempts(app, org.nurse, ["kopi-a", MODULE])
    client.sign_in(org.nurse)

    page = client.get("/").get_data(as_text=True)

    started = page.split('id="step-heading"')[1].split("</section>")[0]  # "Neste steg"
    available = page.split('id="available-heading"')[1].split("</section>")[0]
    unfinished = page.split('id="unfinished-heading"')[1].split("</section>")[0]
    assert "Alle korttyper" in started and "Kort 1 av 10" in started
    assert "Kopi kopi-b" in available and "Alle korttyper" not in available
    # nothing answered: failed, so not under "Fullført" but to be taken again
    assert "Kopi kopi-a" in unfinished and "Fullført, ikke bestått" in unfinished
    assert "Kopi kopi-a" not in page.split('id="done-heading"')[1].split("</section>")[0]


def test_mine_runs_as_many_queries_for_many_attempts_as_for_one(
    client, org, module, app, tmp_path, count_queries
):
    ids = [f"kopi-{n}" for n in range(6)]
    for module_id in ids:
        install_copy(app, tmp_path, module_id)
    client.sign_in(org.nurse)
    make_attempts(app, org.nurse, [MODULE])
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200

    make_attempts(app, org.nurse, ids)
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)

    assert page.count('data-standing="failed"') == 4  # completed with no answers: failed
    assert many.n == few.n


def test_the_service_worker_is_served_from_the_root_to_signed_in_people(client, org):
    assert client.get("/sw.js").status_code == 302
    client.sign_in(org.nurse)

    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert 'addEventListener("fetch"' in response.get_data(as_text=True)


def _offline_texts(response) -> dict:
    script = response.get_data(as_text=True)
    return json.loads(re.search(r"^const OFFLINE = (\{.*\});$", script, re.MULTILINE).group(1))


def test_the_offline_page_speaks_the_persons_language_and_a_change_is_a_new_script(client, org):
    client.sign_in(org.nurse)
    norwegian = client.get("/sw.js")
    assert _offline_texts(norwegian) == {
        "lang": "nb",
        "title": "Uten nett",
        "heading": "Du er uten nett",
        "text": "Denne siden er ikke lagret på telefonen. Prøv igjen når du har nett.",
        "home": "Til Mine",
    }
    assert {"Cookie", "Accept-Language"} <= set(norwegian.headers["Vary"].split(", "))
    unchanged = client.get("/sw.js", headers={"If-None-Match": norwegian.headers["ETag"]})
    assert unchanged.status_code == 304

    client.submit("/language", {"language": "en", "next": "/"})
    english = client.get("/sw.js", headers={"If-None-Match": norwegian.headers["ETag"]})

    assert english.status_code == 200
    assert english.headers["ETag"] != norwegian.headers["ETag"]
    assert _offline_texts(english) == {
        "lang": "en",
        "title": "Offline",
        "heading": "You are offline",
        "text": "This page is not saved on your phone. Try again when you are online.",
        "home": "Go to My learning",
    }


def test_card_page_carries_what_the_script_needs_and_no_inline_script(client, org, module):
    client.sign_in(org.nurse)
    attempt_id = start(client)

    page = client.get(f"/attempts/{attempt_id}/cards/2").get_data(as_text=True)

    assert f'data-attempt="{attempt_id}"' in page
    assert 'data-card="enkelt"' in page
    assert f'data-card-url="/attempts/{attempt_id}/cards/"' in page
    assert 'name="client_id" value=""' in page
    assert "Svaret er lagret på telefonen og sendes når du har nett igjen." in page
    assert re.search(r'<script type="module" src="/static/js/player\.js"', page)
    assert "<script>" not in page and "style=" not in page


def test_the_done_page_shows_every_answer_as_graded_and_suggests_one_next_module(
    client, org, module, app, tmp_path
):
    install_copy(app, tmp_path, "kopi-neste")
    client.sign_in(org.nurse)
    attempt_id = start(client)
    last = take_module(client, attempt_id, RIGHT)
    page = client.get(last.headers["Location"]).get_data(as_text=True)

    answers = page.split("<summary>Se svarene dine</summary>")[1].split("</details>")[0]
    assert answers.count('class="card-view card-content review-card"') == 4  # the scored cards
    assert answers.count("Riktig!") == 4
    suggested = page.split('id="next-heading"')[1].split("</section>")[0]
    assert "Kopi kopi-neste" in suggested and 'href="/learn/kopi-neste"' in suggested
    assert "5 minutter" in suggested


def test_an_answer_posted_to_a_card_that_takes_none_stores_nothing_and_says_so(app, client, org, module):
    """The answer form is on every card's page (hidden where there is nothing to answer, for the
    player's script); posted there anyway, empty or with junk, it used to be a 500."""
    client.sign_in(org.nurse)
    attempt_id = start(client)
    for fields in ({}, {"response": "<script>alert(1)</script>" * 400, "client_id": "x" * 500}):
        response = answer(client, attempt_id, 0, fields)
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/cards/0")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Dette kortet har ikke noe å svare på, så ingenting ble lagret." in page
    assert answers_of(app, attempt_id) == []
    assert attempt_row(app, attempt_id).position == 0


def test_a_form_answer_to_an_attempt_completed_meanwhile_is_not_kept_and_says_so(
    app, client, org, module, meanwhile
):
    """Answered without JavaScript while the attempt was being completed on another tab or the
    phone (after the card's view read it, before the answer was written): it used to be a 500
    (``services.NotAnswerable``); now nothing is kept, and the done page says why."""
    client.sign_in(org.nurse)
    attempt_id = start(client)
    attempts = Attempt.__table__
    completed = (
        attempts.update()
        .where(attempts.c.id == attempt_id)
        .values(completed_at=sa.func.now(), score=0.0, passed=False, outcome="failed")
    )
    meanwhile(completed)

    response = answer(client, attempt_id, 2, RIGHT[2])

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/done")
    assert answers_of(app, attempt_id) == []
    # The tests' requests share one connection, so the view's rollback took the other tab's
    # completion with it; on a real database that was committed on its own connection.
    with app.app_context():
        db.session.execute(completed)
        db.session.commit()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du har alt fullført modulen, så svaret ble ikke lagret." in page
    assert "Fullført, ikke bestått" in page
