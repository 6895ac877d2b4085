"""What every page shares: security headers, friendly errors, and the reader's language."""

from lms.extensions import db
from lms.organisation.models import Person


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)


def test_a_missing_page_is_friendly_and_in_norwegian_by_default(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Fant ikke siden" in page
    assert '<html lang="nb">' in page


def test_the_browser_language_chooses_english(client):
    page = client.get("/finnes-ikke", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_a_nynorsk_browser_gets_nynorsk_and_a_generic_norwegian_one_bokmal(client):
    for header, language in (("nn-NO", "nn"), ("no-NN", "nn"), ("no", "nb"), ("no-NO", "nb")):
        page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
        assert f'<html lang="{language}">' in page, header


def test_nynorsk_is_offered_wherever_a_language_is_chosen_and_is_kept(app, make_client, org):
    phone = make_client()
    phone.sign_in(org.nurse)
    page = phone.get("/account").get_data(as_text=True)
    assert '<option value="nn"  lang="nn">Norsk nynorsk</option>' in page
    phone.submit("/language", {"language": "nn", "next": "/account"})
    page = phone.get("/account").get_data(as_text=True)
    assert '<html lang="nn">' in page
    assert '<option value="nn" selected lang="nn">Norsk nynorsk</option>' in page
    with app.app_context():
        assert db.session.get(Person, org.nurse.id).locale == "nn"

    ward_pc = make_client()
    ward_pc.sign_in(org.nurse)
    assert "Kontoen min" in ward_pc.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True)


def test_choosing_a_language_is_remembered_for_a_signed_in_person(make_client, org):
    phone = make_client()
    phone.sign_in(org.nurse)
    phone.submit("/language", {"language": "en", "next": "/account"})
    assert '<html lang="en">' in phone.get("/account").get_data(as_text=True)

    other_device = make_client()
    other_device.sign_in(org.nurse)
    assert '<html lang="en">' in other_device.get("/").get_data(as_text=True)


def test_the_language_form_does_not_redirect_off_site(client):
    response = client.submit("/language", {"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_health_check_answers(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_sign_in_page_is_a_labelled_form_with_a_skip_link(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert '<label for="email">' in page
    assert 'autocomplete="current-password"' in page
