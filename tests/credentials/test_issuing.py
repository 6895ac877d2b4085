"""A credential the platform issues verifies with a second, independent implementation
(``tests.credentials.independent``) and with the platform's own check, and stops verifying after
one character of its subject is changed, after its status bit is set and after its expiry."""

from __future__ import annotations

from datetime import UTC, datetime

from lms.credentials import keys, services
from lms.credentials.models import Credential
from lms.credentials.verification import verify
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from tests.credentials import independent
from tests.credentials.conftest import in_a_year_and_a_day, pass_module


def did_document(client, issuer: str) -> dict:
    assert issuer == f"did:web:localhost:issuers:{issuer.rsplit(':', 1)[1]}"
    response = client.get(keys.did_url(issuer).removeprefix("http://localhost"))
    assert response.status_code == 200
    return response.get_json()


def status_list(client, url: str) -> dict:
    response = client.get(url.removeprefix("http://localhost"))
    assert response.mimetype == "application/vc+jwt"
    return response.get_data(as_text=True)


def independently_valid(client, token: str, now: datetime) -> bool:
    """Signature against the DID document the platform serves, status bit clear, within validity."""
    _header, credential, _signature = independent.parts(token)
    document = did_document(client, credential["issuer"]["id"])
    if not independent.signature_holds(token, document):
        return False
    entry = credential["credentialStatus"]
    listed = status_list(client, entry["statusListCredential"])
    assert independent.signature_holds(listed, document)
    _h, list_credential, _s = independent.parts(listed)
    if independent.status_bit(
        list_credential["credentialSubject"]["encodedList"], int(entry["statusListIndex"])
    ):
        return False
    until = datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00"))
    return until > now.replace(tzinfo=UTC)


def test_meeting_a_requirement_issues_an_open_badge_credential(app, org, earned):
    _header, credential, _signature = independent.parts(earned.token)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["issuer"]["name"] == "Testvik kommune"
    assert credential["issuer"]["address"]["addressCountryCode"] == "NO"
    subject = credential["credentialSubject"]
    assert (
        subject["identifier"]
        == [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": "Nina Sykepleier",
            }
        ]
        or subject["identifier"][0]["identityType"] == "name"
    )
    achievement = subject["achievement"]
    assert achievement["name"] == "Testkompetanse"
    assert achievement["humanCode"] == "TEST-1"
    assert achievement["achievementType"] == "Competency"
    assert subject["result"] == [{"type": ["Result"], "value": "To (2)"}]
    eu = achievement["euMicroCredential"]
    assert {"learningOutcomes", "typeOfAssessment", "formOfParticipation", "qualityAssurance"} <= set(eu)
    assert credential["validUntil"] > credential["validFrom"]
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        assert str(nurse.id) not in subject["identifier"][0]["identityHash"]
        assert nurse.uuid not in earned.token


def test_it_verifies_with_an_independent_implementation_and_the_platform(app, org, client, earned):
    assert independently_valid(client, earned.token, utcnow())
    with app.test_request_context():
        result = verify(earned.token)
    assert result.valid, [c.message for c in result.failed()]


def test_one_changed_character_of_the_subject_breaks_it(app, client, earned):
    _header, credential, _signature = independent.parts(earned.token)
    name = credential["credentialSubject"]["identifier"][0]["identityHash"]
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "M" + name[1:]
    tampered = independent.with_payload(earned.token, credential)
    assert not independently_valid(client, tampered, utcnow())
    with app.test_request_context():
        result = verify(tampered)
    assert [c.name for c in result.failed()] == [
        "signature",
        "status",
    ]  # an unsigned status URL is not followed


def test_setting_its_status_bit_breaks_it(app, org, client, earned):
    with app.test_request_context():
        credential = db.session.get(Credential, earned.credential_id)
        services.revoke(credential, "Feil registrering", db.session.get(Person, org.admin.id))
        db.session.commit()
    assert independent.signature_holds(
        earned.token, did_document(client, independent.parts(earned.token)[1]["issuer"]["id"])
    )
    assert not independently_valid(client, earned.token, utcnow())
    with app.test_request_context():
        result = verify(earned.token)
    assert [c.name for c in result.failed()] == ["status"]


def test_its_expiry_breaks_it(app, client, earned):
    later = in_a_year_and_a_day()
    assert not independently_valid(client, earned.token, later)
    with app.test_request_context():
        result = verify(earned.token, now=later)
    assert [c.name for c in result.failed()] == ["period"]
    assert "utløpt" in result.failed()[0].message


def test_it_is_issued_once_and_anew_after_revocation(app, org, earned):
    with app.test_request_context():
        pass_module(org.nurse.id)
        assert len(services.credentials_of(org.nurse.id)) == 1
        credential = db.session.get(Credential, earned.credential_id)
        services.revoke(credential, "Feil", db.session.get(Person, org.admin.id))
        pass_module(org.nurse.id)
        made = services.credentials_of(org.nurse.id)
        assert len(made) == 2
        assert len({c.status_index for c in made}) == 2


def test_a_rotated_key_leaves_old_credentials_verifiable(app, org, client, earned):
    result = app.test_cli_runner().invoke(
        args=["credentials", "rotate-key", "--unit", str(earned.issuer_unit_id)]
    )
    assert result.exit_code == 0, result.output
    issuer = independent.parts(earned.token)[1]["issuer"]["id"]
    assert len(did_document(client, issuer)["verificationMethod"]) == 2
    assert independently_valid(client, earned.token, utcnow())
    with app.test_request_context():
        services.revoke(
            db.session.get(Credential, earned.credential_id),
            "Ny nøkkel",
            db.session.get(Person, org.admin.id),
        )
        pass_module(org.nurse.id)
        fresh = services.credentials_of(org.nurse.id)[0]
        db.session.commit()
    assert independent.parts(fresh.token)[0]["kid"] != independent.parts(earned.token)[0]["kid"]
    assert independently_valid(client, fresh.token, utcnow())


def test_the_cli_says_what_holds(app, earned, tmp_path):
    path = tmp_path / "bevis.jwt"
    path.write_text(earned.token)
    result = app.test_cli_runner().invoke(args=["credentials", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "GYLDIG" in result.output and "Testkompetanse" in result.output
    path.write_text(earned.token[:-3] + "AAA")
    result = app.test_cli_runner().invoke(args=["credentials", "verify", str(path)])
    assert result.exit_code == 1
    assert "IKKE GYLDIG" in result.output
