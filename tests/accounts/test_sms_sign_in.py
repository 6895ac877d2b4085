"""Signing in with a code by SMS: for people without e-mail, resisting guesses and enumeration."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.accounts import codes
from lms.accounts.models import SignInCode
from lms.db import utcnow
from lms.extensions import db
from tests.accounts.sms_support import (
    VIKAR_PHONE,
    add_vikar,
    latest_code,
    sms_log_size,
    texts_to,
)
from tests.accounts.test_sign_in import client_at

WRONG = "000000"
"""A guess where no code was sent: wrong whatever it is."""


@pytest.fixture
def vikar(app, org):
    return add_vikar(app, org.ward)


def ask_for_code(client, number: str = "912 34 567"):
    return client.submit("/login/sms", {"phone": number})


def type_code(client, code: str):
    return client.submit("/login/sms/code", {"code": code})


def a_wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def test_the_sign_in_page_offers_an_sms_code(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/sms"' in page
    assert "Logg inn med kode på SMS" in page


def test_a_vikar_signs_in_with_the_code_from_the_sms(app, client, vikar):
    answer = ask_for_code(client)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/login/sms/code")
    assert "er koden din for å logge inn på Lærevakt" in texts_to(app, VIKAR_PHONE)[-1]

    assert type_code(client, latest_code(app)).status_code == 302
    assert "Hei, Vera Vikar" in client.get("/").get_data(as_text=True)


def test_the_code_is_stored_hashed_and_works_once(app, make_client, vikar):
    first = make_client()
    ask_for_code(first)
    code = latest_code(app)
    with app.app_context():
        stored = db.session.scalars(sa.select(SignInCode.code_hash)).all()
    assert stored and code not in stored[-1]
    assert type_code(first, code).status_code == 302

    second = make_client()
    with second.session_transaction() as cookie:
        cookie["sms_sign_in_number"] = VIKAR_PHONE
    assert type_code(second, code).status_code == 401


def test_an_unknown_number_gets_the_same_answer_and_no_sms(app, client, make_client, vikar):
    before = sms_log_size(app)
    known = ask_for_code(make_client(), "912 34 567")
    unknown = ask_for_code(client, "913 00 000")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    page = client.get("/login/sms/code").get_data(as_text=True)
    assert "Hvis +4791300000 hører til en bruker hos oss" in page
    assert sms_log_size(app) == before + 1, "only the known number got a text"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("22 22 22 22", "«22 22 22 22» er ikke et norsk mobilnummer."),
        ("+46 70 123 45 67", "«+46 70 123 45 67» er ikke et norsk mobilnummer."),
        ("12", "«12» er ikke et norsk mobilnummer."),
    ],
)
def test_a_number_that_is_not_a_norwegian_mobile_is_named(app, client, vikar, typed, message):
    before = sms_log_size(app)
    answer = ask_for_code(client, typed)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert sms_log_size(app) == before


def test_a_code_expires_after_ten_minutes(app, client, vikar):
    ask_for_code(client)
    code = latest_code(app)
    with app.app_context():
        row = db.session.scalars(sa.select(SignInCode)).one()
        assert row.expires_at - row.created_at == timedelta(minutes=10)
        row.created_at -= timedelta(minutes=11)
        row.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    answer = type_code(client, code)
    assert answer.status_code == 401
    assert "Koden er feil eller utløpt." in answer.get_data(as_text=True)


def test_a_new_code_retires_the_old(app, client, vikar):
    ask_for_code(client)
    old = latest_code(app)
    ask_for_code(client)
    new = latest_code(app)
    if old == new:
        pytest.skip("the two random codes happened to be equal")
    assert type_code(client, old).status_code == 401
    assert type_code(client, new).status_code == 302


def test_five_wrong_tries_retire_the_code(app, make_client, vikar):
    ask_for_code(client_at(make_client, "198.51.100.1"))
    code = latest_code(app)
    # Each wrong try from its own address: the per-address limits do not step in first.
    for n in range(codes.MAX_WRONG_TRIES):
        guesser = client_at(make_client, f"203.0.113.{n + 1}")
        with guesser.session_transaction() as cookie:
            cookie["sms_sign_in_number"] = VIKAR_PHONE
        assert type_code(guesser, a_wrong_code(code)).status_code == 401
    owner = client_at(make_client, "198.51.100.2")
    with owner.session_transaction() as cookie:
        cookie["sms_sign_in_number"] = VIKAR_PHONE
    assert type_code(owner, code).status_code == 401, "the right code no longer works"
    with app.app_context():
        row = db.session.scalars(sa.select(SignInCode)).one()
        assert row.wrong_tries == codes.MAX_WRONG_TRIES


def test_wrong_codes_are_limited_per_client_address(app, client, vikar):
    ask_for_code(client)
    wrong = a_wrong_code(latest_code(app))
    answers = [type_code(client, wrong).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_code_requests_are_limited_per_number(app, make_client, vikar):
    """Ten requests for one number in an hour (``LMS_SIGNIN_ACCOUNT_RATE_LIMIT``) from as many
    addresses: then an address that has asked may not ask again, and no more texts go out."""
    askers = [client_at(make_client, f"203.0.113.{n}") for n in range(1, 11)]
    for asker in askers:
        assert ask_for_code(asker).status_code == 302
    sent = sms_log_size(app)
    again = ask_for_code(askers[0])
    assert again.status_code == 429
    assert "be lederen din om en engangskode" in again.get_data(as_text=True)
    assert sms_log_size(app) == sent


def test_code_requests_are_limited_per_client_address(app, client, vikar):
    answers = [ask_for_code(client, f"9{n}0 00 000").status_code for n in range(1, 7)]
    assert answers == [302] * 5 + [429]


def test_wrong_codes_are_limited_per_number(app, make_client, vikar):
    """Ten wrong guesses at one number from as many addresses: then each may not guess again."""
    guessers = [client_at(make_client, f"203.0.113.{n}") for n in range(1, 11)]
    for guesser in guessers:
        with guesser.session_transaction() as cookie:
            cookie["sms_sign_in_number"] = VIKAR_PHONE
        assert type_code(guesser, WRONG).status_code == 401
    assert type_code(guessers[0], WRONG).status_code == 429


def test_a_number_shared_by_two_people_signs_in_neither(app, client, org, vikar):
    add_vikar(app, org.zone, phone="+47 912 34 567")
    before = sms_log_size(app)
    assert ask_for_code(client).status_code == 302
    assert sms_log_size(app) == before
