"""The module's bundle, the player's source on the phone: every card as the server path renders it,
immutable per content hash and language, and the JSON steps the phone takes in the background."""

from __future__ import annotations

import html
import re

from tests.learning.test_player import CARDS, RIGHT, start, token_from


def bundle_url(page: str) -> str:
    return html.unescape(re.search(r'data-bundle="([^"]+)"', page).group(1))


def slot_of(page: str) -> str:
    """What the server path shows inside the card's answer form."""
    return re.search(
        r"<div class=\"card-content\" data-card-slot>(.*?)</div>\n    <div class=\"player-action\">",
        page,
        re.S,
    ).group(1)


def test_the_bundle_holds_each_card_as_the_server_path_renders_it(client, org, module):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    page = client.get(f"/attempts/{attempt_id}/cards/2").get_data(as_text=True)
    url = bundle_url(page)
    assert re.fullmatch(r"/learn/alle-korttyper/bundle/[0-9a-f]{64}/nb/[0-9a-f]{32}\.json", url)

    response = client.get(url)

    assert response.status_code == 200 and response.mimetype == "application/json"
    bundle = response.get_json()
    assert [card["index"] for card in bundle["cards"]] == list(range(CARDS))
    question = bundle["cards"][2]
    assert question["id"] == "enkelt" and question["scored"] and question["answerable"]
    assert question["html"] == slot_of(page)
    assert question["progress"] == "Kort 3 av 10"
    assert (question["answer_label"], question["next_label"]) == ("Svar", "Neste")
    assert bundle["cards"][0]["answerable"] is False
    assert bundle["cards"][-1]["next_label"] == "Fullfør"


def test_the_bundle_is_immutable_with_a_strong_etag(client, org, module):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    url = bundle_url(client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True))

    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert first.headers["ETag"] == f'"{url.rsplit("/", 1)[1].removesuffix(".json")}"'
    assert not first.headers["ETag"].startswith("W/")
    assert first.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert again.status_code == 304 and again.get_data() == b""


def test_the_bundle_speaks_the_language_in_its_address(client, org, module):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    url = bundle_url(client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True))
    english = client.get(url.replace("/nb/", "/en/"), follow_redirects=True).get_json()
    assert english["locale"] == "en"
    assert english["cards"][2]["progress"] == "Card 3 of 10"
    assert english["cards"][2]["title"].startswith("Every card type")


def test_a_bundle_that_does_not_exist_is_not_found_and_an_old_digest_is_sent_on(client, org, module):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    url = bundle_url(client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True))
    base, _digest = url.rsplit("/", 1)
    assert client.get(f"{base}/{'0' * 32}.json").headers["Location"] == url
    assert client.get(url.replace("/alle-korttyper/", "/finnes-ikke/")).status_code == 404
    assert client.get(url.replace("/nb/", "/de/")).status_code == 404
    hash_part = url.split("/")[4]
    assert client.get(url.replace(hash_part, "f" * 64)).status_code == 404


def test_signed_out_no_bundle(client, org, module, app):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    url = bundle_url(client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    assert client.get(url).status_code in (302, 401)


def test_the_phone_moves_on_and_completes_through_json(client, org, module):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    page = client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True)
    headers = {"X-CSRFToken": token_from(page), "Accept": "application/json"}

    moved = client.post(f"/attempts/{attempt_id}/cards/0/next", headers=headers, json={})
    assert moved.status_code == 200
    assert moved.get_json() == {"moved": True, "position": 1, "done_url": None}

    unanswered = client.post(f"/attempts/{attempt_id}/cards/2/next", headers=headers, json={})
    assert unanswered.status_code == 409 and unanswered.get_json()["missing"] == 2

    for index, fields in RIGHT.items():
        card_id = client.get(bundle_url(page)).get_json()["cards"][index]["id"]
        sent = client.post(
            f"/attempts/{attempt_id}/answers",
            headers=headers,
            json={"card_id": card_id, "fields": fields},
        )
        assert sent.status_code == 201, sent.get_json()
    done = client.post(f"/attempts/{attempt_id}/cards/{CARDS - 1}/next", headers=headers, json={})
    assert done.get_json()["done_url"] == f"/attempts/{attempt_id}/done"
    assert "Du har bestått «Alle korttyper»" in client.get(f"/attempts/{attempt_id}/done").get_data(
        as_text=True
    )


def test_someone_else_cannot_move_an_attempt_on(client, make_client, org, module):
    client.sign_in(org.nurse)
    attempt_id = start(client)
    other = make_client()
    other.sign_in(org.assistant)
    page = other.get("/").get_data(as_text=True)
    headers = {"X-CSRFToken": token_from(page), "Accept": "application/json"}
    response = other.post(f"/attempts/{attempt_id}/cards/0/next", headers=headers, json={})
    assert response.status_code in (403, 404)
