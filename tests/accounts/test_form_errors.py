"""The sign-in pages and the account page, submitted empty or with junk, as a careless user would: the
page comes back with 422 (the house's status for a form shown again with its errors, as every other
form answers) and a message in Norwegian at the field, and nothing changes."""

import pytest

from lms.accounts import services
from lms.extensions import db
from lms.organisation.models import Person
from tests.conftest import PASSWORD

JUNK = "<script>alert('x')</script>" + "Æøå " * 2500


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/login", {"email": "", "password": ""}, "Dette feltet er påkrevd."),
        ("/login", {"email": JUNK, "password": JUNK}, "Ugyldig e-postadresse."),
        ("/login/link", {"email": ""}, "Dette feltet er påkrevd."),
        ("/login/link", {"email": JUNK}, "Ugyldig e-postadresse."),
        ("/login/code", {"code": ""}, "Dette feltet er påkrevd."),
        ("/login/code", {"code": JUNK}, "Feltet kan ikke være lenger enn 40 tegn."),
        ("/login/sms", {"phone": ""}, "Skjemaet har feil"),
    ],
)
def test_a_sign_in_form_with_bad_input_is_shown_again_with_422_and_the_field_s_message(
    client, org, path, data, message
):
    response = client.submit(path, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Skjemaet har feil" in page
    assert message in page
    assert "<script>alert" not in page
    assert client.get("/").status_code == 302, "still signed out"


def test_the_sms_code_page_with_an_empty_code_is_shown_again_with_422(client, org):
    with client.session_transaction() as cookie:
        cookie["sms_sign_in_number"] = "+4740000000"
    response = client.submit("/login/sms/code", {"code": ""})
    assert response.status_code == 422
    assert "Dette feltet er påkrevd." in response.get_data(as_text=True)


def test_the_sign_in_pages_are_200_before_anything_is_submitted(client, org):
    for path in ("/login", "/login/link", "/login/code", "/login/sms"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "", "repeat": ""}, "Dette feltet er påkrevd."),
        ({"password": "nytt-passord-456", "repeat": "noe-annet-789"}, "Passordene er ulike."),
    ],
)
def test_changing_password_with_bad_input_is_422_with_a_message_and_changes_nothing(
    app, client, org, data, message
):
    client.sign_in(org.nurse)
    response = client.submit("/account", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Skjemaet har feil" in page
    assert message in page
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        assert services.authenticate(nurse.email, PASSWORD) is not None
    assert client.get("/account").status_code == 200
