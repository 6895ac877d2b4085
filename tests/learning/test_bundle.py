"""The offline bundle: a module version's cards for the player, one immutable document per content
hash and language, for people signed in."""

from lms.content import services as content
from lms.extensions import db


def _bundle_url(app, module_id: str, locale: str = "nb") -> str:
    with app.app_context():
        version = content.current_version(module_id)
        url = f"/learn/{module_id}/bundle/{version.content_hash}/{locale}.json"
        db.session.remove()
    return url


def test_the_bundle_holds_every_card_rendered_and_never_goes_stale(
    app, make_client, org, fixture_module
):
    phone = make_client()
    phone.sign_in(org.nurse)
    url = _bundle_url(app, fixture_module)
    response = phone.get(url)
    assert response.status_code == 200
    bundle = response.get_json()
    assert bundle["title"] == "Alle korttyper"
    assert [card["id"] for card in bundle["cards"]][:3] == ["intro", "bilde", "enkelt"]
    single = next(card for card in bundle["cards"] if card["id"] == "enkelt")
    assert "Hva gjør du når du går fra en delt PC?" in single["html"]
    assert single["scored"] is True
    assert "immutable" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    assert not etag.startswith("W/")

    again = phone.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_the_bundle_is_for_people_signed_in(app, client, fixture_module):
    response = client.get(_bundle_url(app, fixture_module))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_another_languages_bundle_address_leads_to_the_readers_own(
    app, make_client, org, fixture_module
):
    phone = make_client()
    phone.sign_in(org.nurse)
    response = phone.get(_bundle_url(app, fixture_module, "en"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/nb.json")


def test_an_unknown_version_has_no_bundle(make_client, org, fixture_module):
    phone = make_client()
    phone.sign_in(org.nurse)
    assert phone.get(f"/learn/{fixture_module}/bundle/{'0' * 64}/nb.json").status_code == 404
    assert phone.get("/learn/..%2F..%2Fetc/bundle/abc/nb.json").status_code == 404
