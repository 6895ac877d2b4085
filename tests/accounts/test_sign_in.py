import email
import email.policy
import re
from datetime import timedelta

from lms.accounts.services import create_sign_in_link
from lms.extensions import db
from lms.organisation.models import Person
from tests.conftest import PASSWORD, read_mail

LINK = re.compile(r"http://localhost(/login/link/[\w-]+)")


def test_password_sign_in_shows_the_home_page(client, org):
    response = client.sign_in(org.nurse)
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Hei, Nils Sykepleier" in home


def test_wrong_password_is_refused_with_a_message(client, org):
    response = client.sign_in(org.nurse, password="feil-passord-000")
    assert response.status_code == 401
    assert "Feil e-post eller passord." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_five_wrong_passwords_in_a_minute_are_refused(client, org):
    for _ in range(5):
        assert client.sign_in(org.nurse, password="feil-passord-000").status_code == 401
    refused = client.sign_in(org.nurse)
    assert refused.status_code == 429
    assert "Du har prøvd for mange ganger på kort tid" in refused.get_data(as_text=True)


def client_at(make_client, address: str):
    """A browser whose requests come from client address ``address``."""
    browser = make_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def test_a_stranger_guessing_cannot_lock_a_person_out(make_client, org):
    stranger = client_at(make_client, "203.0.113.66")
    answers = [stranger.sign_in(org.nurse, password="feil-passord-000") for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]

    assert client_at(make_client, "198.51.100.7").sign_in(org.nurse).status_code == 302
    assert stranger.sign_in(org.nurse).status_code == 429, "the guesser's address stays refused"


def test_an_account_guessed_at_from_many_addresses_gives_each_address_one_try(app, make_client, org):
    assert app.config["SIGNIN_ACCOUNT_RATE_LIMIT"] == "10 per hour"
    guessers = [client_at(make_client, f"203.0.113.{n}") for n in range(1, 11)]
    for guesser in guessers:
        assert guesser.sign_in(org.nurse, password="feil-passord-000").status_code == 401

    refused = guessers[0].sign_in(org.nurse)
    assert refused.status_code == 429, "an address that has tried may not try again, right or not"
    assert "be om en innloggingslenke på e-post" in refused.get_data(as_text=True)
    another = client_at(make_client, "203.0.113.11")
    assert another.sign_in(org.nurse, password="feil-passord-001").status_code == 401
    assert another.sign_in(org.nurse, password="feil-passord-002").status_code == 429
    assert guessers[1].sign_in(org.assistant).status_code == 302, "other accounts are not affected"

    owner = client_at(make_client, "198.51.100.7")
    assert owner.sign_in(org.nurse).status_code == 302, "the owner, from a clean address, gets in"


def test_the_e_mailed_link_works_while_strangers_ask_for_links(app, make_client, org):
    strangers = [client_at(make_client, f"203.0.113.{n}") for n in range(1, 11)]
    for stranger in strangers:
        stranger.submit("/login/link", {"email": org.nurse.email})
    owner = client_at(make_client, "198.51.100.7")
    owner.submit("/login/link", {"email": org.nurse.email})
    newest = LINK.findall(read_mail(app))[-1]

    again = strangers[0].submit("/login/link", {"email": org.nurse.email})
    assert again.status_code == 429, "a stranger may not keep retiring the owner's link"
    assert LINK.findall(read_mail(app))[-1] == newest
    assert owner.submit(newest).status_code == 302
    assert "Hei, Nils Sykepleier" in owner.get("/").get_data(as_text=True)


def test_a_new_sign_in_link_retires_the_older_ones(app, client, org):
    client.submit("/login/link", {"email": org.nurse.email})
    client.submit("/login/link", {"email": org.nurse.email})
    older, newer = LINK.findall(read_mail(app))

    assert client.get(older).status_code == 401
    assert client.submit(older).status_code == 401
    assert client.get("/").status_code == 302
    assert client.submit(newer).status_code == 302
    assert "Hei, Nils Sykepleier" in client.get("/").get_data(as_text=True)


def test_sign_in_link_by_email_works_once(app, client, org):
    client.submit("/login/link", {"email": "NILS@testvik.no"})
    mail = read_mail(app)
    assert "To: nils@testvik.no" in mail
    path = LINK.search(mail).group(1)

    confirm = client.get(path)
    assert "Logg inn nå" in confirm.get_data(as_text=True)
    assert client.get("/").status_code == 302, "opening the link alone must not sign in"

    assert client.submit(path).status_code == 302
    assert "Hei, Nils Sykepleier" in client.get("/").get_data(as_text=True)

    again = client.get(path)
    assert again.status_code == 401
    assert "Lenken virker ikke" in again.get_data(as_text=True)


def test_sign_in_link_for_an_unknown_address_says_the_same_and_sends_nothing(app, client, org):
    response = client.submit("/login/link", {"email": "ukjent@testvik.no"})
    assert "Sjekk e-posten din" in response.get_data(as_text=True)
    assert read_mail(app) == ""


def test_an_expired_link_is_refused(app, client, org):
    with app.app_context():
        token = create_sign_in_link(db.session.merge(org.nurse), timedelta(minutes=-1))
        db.session.commit()
    assert client.submit(f"/login/link/{token}").status_code == 401
    assert client.get("/").status_code == 302


def test_sign_out_everywhere_ends_the_other_sessions(make_client, org):
    phone, ward_pc = make_client(), make_client()
    phone.sign_in(org.nurse)
    ward_pc.sign_in(org.nurse)
    assert ward_pc.get("/").status_code == 200

    phone.submit("/logout/everywhere")
    assert phone.get("/").status_code == 302
    assert ward_pc.get("/").status_code == 302


def test_sign_out(client, org):
    client.sign_in(org.nurse)
    client.submit("/logout")
    assert client.get("/").status_code == 302


def test_session_cookie_is_http_only_and_secure_on_https(app, client, org):
    response = client.sign_in(org.nurse)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie

    from lms import create_app
    from lms.config import load_config

    config = load_config({"LMS_BASE_URL": "https://laering.testvik.no", "LMS_SECRET_KEY": "x"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert load_config({"LMS_SECRET_KEY": "x"})["SESSION_COOKIE_SECURE"] is False
    assert create_app is not None


def test_a_form_without_its_csrf_token_is_refused(client, org):
    response = client.post("/login", data={"email": org.nurse.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Skjemaet var utløpt" in response.get_data(as_text=True)


def test_the_sign_in_link_is_written_in_the_recipients_language_whatever_the_browser(app, client, org):
    with app.app_context():
        db.session.get(Person, org.nurse.id).locale = "nn"
        db.session.commit()
    client.submit("/login/link", {"email": org.nurse.email}, headers={"Accept-Language": "en"})
    mail = email.message_from_string(read_mail(app), policy=email.policy.default)
    assert mail["Subject"] == "Innloggingslenka di til Lærevakt"
    body = mail.get_content()
    assert "Bruk denne lenka for å logge inn på Lærevakt:" in body
    assert "Use this link" not in body
