"""Who an identity signs in as: closed accounts, a race of two first sign-ins, and an ID token that
was issued to another client."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import sqlalchemy as sa
from authlib.common.errors import AuthlibBaseError
from joserfc.errors import JoseError

from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.sso import services
from lms.sso.models import SsoIdentity
from lms.sso.views import claims_options, provider_client
from tests.sso.test_sign_in import counts, home_heading, sign_in

ISSUER = "https://auth.dataporten.no"


def link(app, person_id: int, subject: str) -> None:
    with app.app_context():
        db.session.add(SsoIdentity(person_id=person_id, issuer=ISSUER, subject=subject))
        db.session.commit()


def close(app, person_id: int, *, erased: bool) -> None:
    with app.app_context():
        person = db.session.get(Person, person_id)
        if erased:
            person.erased_at = utcnow()
        else:
            person.active = False
        db.session.commit()


@pytest.mark.parametrize("erased", [False, True], ids=["inactive", "erased"])
def test_a_closed_account_cannot_sign_in_by_its_identity(app, org, erased):
    link(app, org.nurse.id, "nils-sub")
    close(app, org.nurse.id, erased=erased)
    with app.app_context(), pytest.raises(services.AccountClosed):
        services.person_for_claims(ISSUER, {"sub": "nils-sub"})


def test_a_closed_account_is_not_linked_by_its_email(app, org):
    close(app, org.nurse.id, erased=False)
    claims = {"sub": "new-sub", "email": "nils@testvik.no", "email_verified": True, "name": "Nils"}
    with app.app_context():
        with pytest.raises(services.AccountClosed):
            services.person_for_claims(ISSUER, claims, create_people=True)
        assert db.session.scalars(sa.select(SsoIdentity)).all() == []


def test_an_inactive_person_sees_why_through_the_flow(app, client, org, sso):
    sso.set_claims("feide-closed", email="aisha@testvik.no", email_verified=True)
    close(app, org.assistant.id, erased=False)
    answer = sign_in(client, sso, "feide-closed")
    assert answer.status_code == 401
    assert "Kontoen er ikke aktiv" in answer.get_data(as_text=True)
    assert "Logg inn" in home_heading(client)


@pytest.mark.parametrize("by_email", [False, True], ids=["created", "linked-by-email"])
def test_two_first_sign_ins_at_once_make_one_person_and_one_identity(app, org, monkeypatch, by_email):
    """The second request looked before the first had inserted: its insert hits the unique
    constraint, its own new person (if any) is rolled back with it, and it signs in as whoever the
    first request linked."""
    claims = {"sub": "race", "name": "Ny Vikar"}
    if by_email:
        claims.update(email="nils@testvik.no", email_verified=True)
    people_before, _ = counts(app)
    with app.app_context():
        first = services.person_for_claims(ISSUER, claims, create_people=True)
        db.session.commit()
        first_id = first.id

    real_find = services.find_identity
    looks = []

    def find_too_early_the_first_time(issuer: str, subject: str):
        looks.append(subject)
        return None if len(looks) == 1 else real_find(issuer, subject)

    monkeypatch.setattr(services, "find_identity", find_too_early_the_first_time)
    with app.app_context():
        second = services.person_for_claims(ISSUER, claims, create_people=True)
        db.session.commit()
        assert second.id == first_id
        assert looks == ["race", "race"]

    people, identities = counts(app)
    assert people == people_before + (0 if by_email else 1)
    assert identities == [(ISSUER, "race", first_id)]


def token_for_another_client(provider, nonce: str) -> dict:
    """A genuine token response from the provider, for a client that is not Lærevakt."""
    other = {"client_id": "en-annen-tjeneste", "redirect_uri": "http://127.0.0.1:9/cb"}
    authorize = requests.Request(
        "GET",
        f"{provider.issuer}/oauth2/authorize",
        params={**other, "response_type": "code", "scope": "openid", "state": "s", "nonce": nonce},
    ).prepare()
    back = provider.authorize(authorize.url, "feide-other")
    code = dict(parse_qsl(urlsplit(back).query))["code"]
    answer = requests.post(
        f"{provider.issuer}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, **other},
        auth=(other["client_id"], "x"),
        timeout=5,
    )
    answer.raise_for_status()
    return answer.json()


def test_an_id_token_for_another_audience_is_refused(app, sso):
    token = token_for_another_client(sso, nonce="n-123")
    with app.test_request_context():
        client = provider_client()
        with pytest.raises((AuthlibBaseError, JoseError), match="aud"):
            client.parse_id_token(token, nonce="n-123", claims_options=claims_options(client))


def test_mine_data_shows_the_identity_and_erasure_removes_it(app, client, org, sso):
    from lms.privacy.services import erase

    sso.set_claims("feide-nils", email="nils@testvik.no", email_verified=True)
    sign_in(client, sso, "feide-nils")
    exported = client.get("/account/data.json").get_json()["sections"]["sso_identities"]
    assert [(i["issuer"], i["subject"]) for i in exported] == [(sso.issuer, "feide-nils")]
    client.submit("/logout")
    with app.app_context():
        erase(db.session.get(Person, org.nurse.id), actor=None)
        db.session.commit()
    assert counts(app)[1] == []
    answer = sign_in(client, sso, "feide-nils")
    assert answer.status_code == 401 and "Logg inn" in home_heading(client)


def test_an_ended_account_is_refused_through_the_flow(app, client, org, sso):
    """From the end date on, the provider's word is not enough: no session, and the page says why."""
    sso.set_claims("nils-ended", email="nils@testvik.no", email_verified=True)
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        nurse.ends_on = local_today()
        db.session.commit()
    answer = sign_in(client, sso, "nils-ended")
    assert answer.status_code == 401
    assert "sluttdatoen din er passert" in answer.get_data(as_text=True)
    assert "Logg inn" in home_heading(client)
