"""The phone's new card after a change (``lms.groups.live_card``): rendered once for the room and
filled in per phone, the phone's own answer only through its own sign-in, forged tokens refused,
and no statement at all for a card already rendered that takes no answer."""

from __future__ import annotations

import re
import threading
from html import unescape

from itsdangerous import URLSafeTimedSerializer

from lms.groups import live, live_card
from tests.groups.conftest import QUESTION, REFLECTION, answer, join, move, poll_url
from tests.groups.test_live import counted_statements  # noqa: F401 (a fixture)

HEADING = re.compile(r"<h1[^>]*data-group-heading>([^<]+)</h1>")


def card_url(client, participant_id: int) -> str:
    """The address the phone's page tells ``group.js`` to fetch its new card from."""
    page = client.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    return unescape(re.search(r'data-card-url="([^"]+)"', page).group(1))


def fetch(client, url: str, revision: int, **kwargs):
    return client.get(f"{url}&revision={revision}", **kwargs)


def test_the_new_card_is_the_room_s_card_with_the_phone_s_own_forms(run, org, staff, phone):
    aisha, other = phone(org.assistant), phone(staff[0])
    aisha_id, other_id = join(aisha, run.code), join(other, run.code)
    aisha_url, other_url = card_url(aisha, aisha_id), card_url(other, other_id)
    move(run.facilitator, run.id, QUESTION)

    mine = fetch(aisha, aisha_url, 1)
    theirs = fetch(other, other_url, 1)

    assert mine.status_code == 200 and theirs.status_code == 200
    html = mine.get_data(as_text=True)
    assert HEADING.search(html).group(1) == f"Kort {QUESTION + 1} av 10"
    assert f'action="/groups/me/{aisha_id}/answer"' in html
    assert f'action="/groups/me/{aisha_id}/leave"' in html
    assert f"/groups/me/{other_id}/" not in html
    assert f'action="/groups/me/{other_id}/answer"' in theirs.get_data(as_text=True)
    assert str(live_card.PARTICIPANT_MARK) not in html
    assert html == theirs.get_data(as_text=True).replace(
        f"/groups/me/{other_id}/", f"/groups/me/{aisha_id}/"
    )

    # The card's forms are the phone's own once ``group.js`` puts in its page's CSRF token (the
    # card is the room's, with no token of its own): the token is taken, the answer stored.
    assert 'name="csrf_token" value=""' in html
    page = aisha.get(f"/groups/me/{aisha_id}").get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    card_id = re.search(r'name="card_id" value="([^"]+)"', html).group(1)
    posted = aisha.post(
        f"/groups/me/{aisha_id}/answer", data={"csrf_token": token, "card_id": card_id, "response": "b"}
    )
    assert posted.status_code == 302
    after = aisha.get(f"/groups/me/{aisha_id}").get_data(as_text=True)
    assert "Svaret ditt er med" in after


def test_a_phone_that_answered_gets_its_own_answer_and_no_one_else_s(run, org, staff, phone):
    aisha, other = phone(org.assistant), phone(staff[0])
    aisha_id, other_id = join(aisha, run.code), join(other, run.code)
    aisha_url, other_url = card_url(aisha, aisha_id), card_url(other, other_id)
    move(run.facilitator, run.id, QUESTION)
    assert answer(aisha, aisha_id, "enkelt", {"response": "b"}).status_code == 302
    move(run.facilitator, run.id, REFLECTION)
    move(run.facilitator, run.id, QUESTION)  # back to the card Aisha answered: revision 3

    mine = fetch(aisha, aisha_url, 3)
    assert mine.status_code == 302
    assert mine.headers["Location"].endswith(f"/groups/me/{aisha_id}?fragment=1")
    shown = fetch(aisha, aisha_url, 3, follow_redirects=True).get_data(as_text=True)
    assert "Svaret ditt er med" in shown and 'name="card_id"' not in shown

    theirs = fetch(other, other_url, 3).get_data(as_text=True)
    assert "Svaret ditt er med" not in theirs
    assert 'name="card_id"' in theirs and "checked" not in theirs


def test_a_phone_that_left_or_whose_run_closed_is_sent_to_its_signed_in_card(run, org, staff, phone):
    aisha, other = phone(org.assistant), phone(staff[0])
    aisha_id, other_id = join(aisha, run.code), join(other, run.code)
    aisha_url, other_url = card_url(aisha, aisha_id), card_url(other, other_id)

    run.facilitator.submit(f"/groups/runs/{run.id}/people/{aisha_id}/remove")
    left = fetch(aisha, aisha_url, 0, follow_redirects=True).get_data(as_text=True)
    assert "Du har forlatt økten" in left

    run.facilitator.submit(f"/groups/runs/{run.id}/close")
    closed = fetch(other, other_url, 1, follow_redirects=True).get_data(as_text=True)
    assert "Økten er avsluttet" in closed


def test_a_forged_or_damaged_token_gets_no_card(run, org, phone, make_client):
    aisha = phone(org.assistant)
    aisha_id = join(aisha, run.code)
    url = card_url(aisha, aisha_id)
    token = re.search(r"/groups/live/([^/]+)/card", url).group(1)
    damaged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    forged = URLSafeTimedSerializer("not-the-apps-secret", salt=live.TOKEN_SALT).dumps(
        [aisha_id, run.id]
    )

    for bad in (forged, damaged, "x", f"{aisha_id}.{run.id}"):
        response = make_client().get(f"/groups/live/{bad}/card?lang=nb&revision=0")
        assert response.status_code == 403, bad
        assert b"group-phone-heading" not in response.get_data()


def test_a_rendered_card_costs_no_statement_and_a_question_one(
    run,
    org,
    staff,
    phone,
    app,
    clock,
    counted_statements,  # noqa: F811
):
    aisha, other = phone(org.assistant), phone(staff[0])
    aisha_id, other_id = join(aisha, run.code), join(other, run.code)
    aisha_url, other_url = card_url(aisha, aisha_id), card_url(other, other_id)
    move(run.facilitator, run.id, REFLECTION)
    assert fetch(aisha, aisha_url, 1).status_code == 200  # renders the card in this process

    with counted_statements(app) as reflection:
        shown = fetch(other, other_url, 1).get_data(as_text=True)
    assert HEADING.search(shown).group(1) == f"Kort {REFLECTION + 1} av 10"
    assert reflection == []

    move(run.facilitator, run.id, QUESTION)
    assert fetch(aisha, aisha_url, 2).status_code == 200
    with counted_statements(app) as question:
        assert fetch(other, other_url, 2).status_code == 200
    assert len(question) == 1 and "answers" in question[0]
    assert "people" not in question[0] and "sessions" not in question[0]


def test_a_phone_ahead_of_this_process_gets_the_newer_card(run, org, phone, app, clock):
    aisha = phone(org.assistant)
    aisha_id = join(aisha, run.code)
    url = card_url(aisha, aisha_id)
    assert fetch(aisha, url, 0).status_code == 200  # this process holds revision 0

    with app.app_context():  # another process moves the card: this one is not told
        from lms.extensions import db
        from lms.groups.models import GroupRun

        db.session.execute(
            GroupRun.__table__.update()
            .where(GroupRun.__table__.c.id == run.id)
            .values(position=QUESTION, revision=1)
        )
        db.session.commit()

    shown = fetch(aisha, url, 1).get_data(as_text=True)
    assert HEADING.search(shown).group(1) == f"Kort {QUESTION + 1} av 10"


def test_phones_asking_at_once_for_a_card_not_yet_rendered_wait_for_one_render(monkeypatch):
    renders: list[int] = []
    rendering, finish = threading.Event(), threading.Event()

    def slow_render(run_id: int, position: int, locale: str):
        renders.append(run_id)
        rendering.set()
        finish.wait(5)
        return live_card.CardTemplate("kort", False, ("<h1>", "</h1>"))

    monkeypatch.setattr(live_card, "_render", slow_render)
    cache = live_card.CardCache()
    state = live.RunState(revision=1, position=0, closed=False, left=frozenset(), read_at=0.0)
    shown = []
    first = threading.Thread(target=lambda: shown.append(cache.card(7, state, "nb")))
    second = threading.Thread(target=lambda: shown.append(cache.card(7, state, "nb")))
    first.start()
    rendering.wait(5)
    second.start()
    second.join(0.2)  # time for a second render to begin, were there one
    finish.set()
    first.join(5)
    second.join(5)
    assert renders == [7]
    assert len(shown) == 2 and shown[0] is shown[1]


def test_the_poll_after_a_change_brings_the_open_phone_its_card_and_not_an_answered_one(
    run, org, staff, phone, make_client
):
    aisha, other = phone(org.assistant), phone(staff[0])
    aisha_id, other_id = join(aisha, run.code), join(other, run.code)
    aisha_poll, other_poll = poll_url(aisha, aisha_id), poll_url(other, other_id)
    cookieless = make_client()
    etags = {url: cookieless.get(url).headers["ETag"] for url in (aisha_poll, other_poll)}
    move(run.facilitator, run.id, QUESTION)
    assert answer(aisha, aisha_id, "enkelt", {"response": "b"}).status_code == 302
    move(run.facilitator, run.id, REFLECTION)
    move(run.facilitator, run.id, QUESTION)  # back to the card Aisha answered: revision 3

    def poll(url: str) -> dict:
        return cookieless.get(url, headers={"If-None-Match": etags[url]}).json

    theirs = poll(other_poll)
    fetched = fetch(other, card_url(other, other_id), 3).get_data(as_text=True)
    assert theirs["card"] == fetched  # what the phone would have fetched, its own forms
    assert f'action="/groups/me/{other_id}/answer"' in theirs["card"]
    mine = poll(aisha_poll)  # answered: no card, the phone fetches its own answer
    assert mine == {"revision": 3, "position": QUESTION, "status": "open"}

    run.facilitator.submit(f"/groups/runs/{run.id}/close")
    assert "card" not in poll(other_poll)  # the end screen is the phone's own: fetched
