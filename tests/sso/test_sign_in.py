"""Single sign-on through a real OpenID provider on 127.0.0.1, with the Flask test client as the
browser: the provider's authorize page is answered over HTTP, its redirect back is followed here."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from bench.support.serving import free_port
from lms.accounts.models import SignInSession
from lms.extensions import db
from lms.organisation.models import Person
from lms.sso.models import SsoIdentity
from tests.support.oidc_provider import path_and_query


def start(client, next_url: str | None = None) -> str:
    """Press "Logg inn med Feide"; returns the provider's authorize URL the app sent us to."""
    answer = client.get("/login/sso", query_string={"next": next_url} if next_url else None)
    assert answer.status_code == 302
    return answer.headers["Location"]


def sign_in(client, provider, sub: str | None, next_url: str | None = None):
    back = provider.authorize(start(client, next_url), sub)
    return client.get(path_and_query(back))


def with_params(url: str, **params) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


def counts(app) -> tuple[int, list[tuple[str, str, int]]]:
    with app.app_context():
        people = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
        identities = db.session.execute(
            sa.select(SsoIdentity.issuer, SsoIdentity.subject, SsoIdentity.person_id).order_by(
                SsoIdentity.id
            )
        )
        return people, [tuple(row) for row in identities]


def home_heading(client) -> str:
    return client.get("/", follow_redirects=True).get_data(as_text=True)


def test_the_sign_in_page_offers_the_provider_only_when_configured(app, client, provider, monkeypatch):
    page = client.get("/login").get_data(as_text=True)
    for other_way in ("Logg inn med lenke", "Logg inn med kode på SMS", "Logg inn med engangskode"):
        page = page.replace(other_way, "")
    assert "Logg inn med" not in page
    assert client.get("/login/sso").status_code == 404

    monkeypatch.setitem(app.config, "OIDC_ISSUER", provider.issuer)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "laerevakt")
    monkeypatch.setitem(app.config, "OIDC_NAME", "Feide")
    page = client.get("/login").get_data(as_text=True)
    assert "Logg inn med Feide" in page


def test_the_request_carries_pkce_state_and_nonce(client, sso):
    query = dict(parse_qsl(urlsplit(start(client)).query))
    assert query["client_id"] == "laerevakt"
    assert query["redirect_uri"] == "http://localhost/login/sso/callback"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) >= 43
    assert query["state"] and query["nonce"]
    assert query["scope"] == "openid profile email"


def test_a_verified_email_links_the_existing_person_and_the_second_sign_in_finds_them(
    app, client, make_client, org, sso
):
    sso.set_claims("feide-nils", email="Nils@Testvik.no", email_verified=True, name="Nils S.")
    people_before, _ = counts(app)

    answer = sign_in(client, sso, "feide-nils", next_url="/account")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/account"
    assert "Hei, Nils Sykepleier" in home_heading(client)
    people, identities = counts(app)
    assert people == people_before
    assert identities == [(sso.issuer, "feide-nils", org.nurse.id)]

    other_phone = make_client()
    sign_in(other_phone, sso, "feide-nils")
    assert "Hei, Nils Sykepleier" in home_heading(other_phone)
    assert counts(app) == (people_before, identities)

    client.submit("/logout/everywhere")
    assert "Hei, Nils Sykepleier" not in home_heading(other_phone)


def test_an_unverified_email_is_not_enough(app, client, org, sso):
    sso.set_claims("feide-mona", email="mona@testvik.no", email_verified=False, name="Mona")
    answer = sign_in(client, sso, "feide-mona")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 401
    assert "Du har ingen konto her" in page
    assert "Feide kjenner deg, men det finnes ingen konto i Lærevakt for deg." in page
    assert counts(app)[1] == []
    assert "Logg inn" in home_heading(client)


def test_nobody_matches_and_creation_is_off_refuses(app, client, org, sso):
    sso.set_claims("feide-ukjent", email="ukjent@andre.no", email_verified=True, name="Ukjent")
    people_before, _ = counts(app)
    answer = sign_in(client, sso, "feide-ukjent")
    assert answer.status_code == 401
    assert "Du har ingen konto her" in answer.get_data(as_text=True)
    assert counts(app) == (people_before, [])


def test_creation_on_makes_the_person_once(app, client, make_client, org, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_PEOPLE", True)
    sso.set_claims(
        "feide-kari", given_name="Kari", family_name="Vikar", email="kari@vikar.no", email_verified=True
    )
    people_before, _ = counts(app)
    sign_in(client, sso, "feide-kari")
    assert "Hei, Kari Vikar" in home_heading(client)
    sign_in(make_client(), sso, "feide-kari")

    people, identities = counts(app)
    assert people == people_before + 1
    assert len(identities) == 1
    with app.app_context():
        kari = db.session.get(Person, identities[0][2])
        assert (kari.name, kari.email, kari.active) == ("Kari Vikar", "kari@vikar.no", True)


def test_creation_keeps_an_unverified_email_out(app, client, org, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_PEOPLE", True)
    sso.set_claims("feide-per", name="Per Vikar", email="nils@testvik.no", email_verified=False)
    sign_in(client, sso, "feide-per")
    assert "Hei, Per Vikar" in home_heading(client)
    with app.app_context():
        per = db.session.scalar(sa.select(Person).filter_by(name="Per Vikar"))
        assert per.email is None


def test_entra_id_matches_by_oid(app, client, org, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_SUBJECT_CLAIM", "oid")
    oid = "00000000-0000-0000-66f3-3332eca7ea81"
    sso.set_claims("entra-pairwise", oid=oid, email="aisha@testvik.no", email_verified=True)
    sign_in(client, sso, "entra-pairwise")
    assert counts(app)[1] == [(sso.issuer, oid, org.assistant.id)]


def test_a_token_without_the_stable_claim_is_refused(app, client, org, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_SUBJECT_CLAIM", "oid")
    sso.set_claims("no-oid", email="aisha@testvik.no", email_verified=True)
    answer = sign_in(client, sso, "no-oid")
    assert answer.status_code == 401
    assert "Innloggingen kunne ikke bekreftes" in answer.get_data(as_text=True)
    assert counts(app)[1] == []


def test_cancelling_at_the_provider_says_so(client, sso):
    answer = sign_in(client, sso, None)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Innloggingen ble avbrutt" in page
    assert "Du avbrøt innloggingen hos Feide." in page
    assert "Logg inn" in home_heading(client)


def test_a_tampered_state_is_refused(app, client, org, sso):
    sso.set_claims("feide-state", email="nils@testvik.no", email_verified=True)
    back = sso.authorize(start(client), "feide-state")
    answer = client.get(path_and_query(with_params(back, state="forfalsket")))
    assert answer.status_code == 401
    assert "Innloggingen kunne ikke bekreftes" in answer.get_data(as_text=True)
    assert counts(app)[1] == []
    assert "Logg inn" in home_heading(client)


@pytest.mark.parametrize(
    "tampered",
    [{"nonce": "et-annet-nonce"}, {"client_id": "en-annen-tjeneste"}],
    ids=["id-token-with-another-nonce", "code-issued-to-another-client"],
)
def test_an_answer_to_another_request_is_refused(app, client, org, sso, tampered):
    """The authorize request is altered on its way to the provider: the ID token then carries
    another nonce, or the code belongs to another client (whose audience the token would name)."""
    sso.set_claims("feide-tampered", email="nils@testvik.no", email_verified=True)
    authorize_url = with_params(start(client), **tampered)
    answer = client.get(path_and_query(sso.authorize(authorize_url, "feide-tampered")))
    assert answer.status_code == 401
    assert "Innloggingen kunne ikke bekreftes" in answer.get_data(as_text=True)
    assert counts(app)[1] == []
    assert "Logg inn" in home_heading(client)


def test_an_unreachable_provider_gets_a_clear_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "laerevakt")
    monkeypatch.setitem(app.config, "OIDC_NAME", "ID-porten")
    answer = client.get("/login/sso")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert "Innloggingstjenesten svarer ikke" in page
    assert "Vi får ikke kontakt med ID-porten akkurat nå." in page


def test_failed_sso_answers_count_against_the_sign_in_rate_limit(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNIN_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.get("/login/sso/callback?code=gjettet&state=gjettet").status_code == 401
    assert client.get("/login/sso/callback?code=gjettet&state=gjettet").status_code == 429


def test_signing_out_ends_a_single_sign_on_session_for_a_copied_cookie_too(
    app, client, make_client, org, sso
):
    sso.set_claims("feide-nils", email="nils@testvik.no", email_verified=True)
    sign_in(client, sso, "feide-nils")
    copy = make_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert "Hei, Nils Sykepleier" in home_heading(copy)
    with app.app_context():
        method = db.session.scalar(sa.select(SignInSession.method).filter_by(person_id=org.nurse.id))
    assert method == "sso"

    client.submit("/logout")
    assert "Hei, Nils Sykepleier" not in home_heading(copy)
