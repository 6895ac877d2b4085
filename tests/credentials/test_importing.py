"""A person uploads a credential from another municipality. One from a trusted issuer becomes
verified evidence, shown as such to their manager; an untrusted, a tampered and an expired one are
refused with a clear reason, and nothing changes."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.competence.models import Evidence, EvidenceKind
from lms.credentials import verification
from lms.credentials.models import ImportedCredential
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Unit
from tests.credentials import independent
from tests.credentials.test_statements import EARNED, statements
from tests.support.frameworks import import_test_framework

OTHER = "did:web:laering.bergen.example:issuers:7"
KID = f"{OTHER}#key-1"
STATUS_URL = "https://laering.bergen.example/issuers/7/status/1"


class OtherIssuer:
    """Another municipality's platform: a key, its DID document and an empty status list, signed
    here by hand (raw Ed25519), as a second implementation would."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.document = {
            "id": OTHER,
            "verificationMethod": [
                {
                    "id": KID,
                    "type": "JsonWebKey",
                    "controller": OTHER,
                    "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": independent.b64encode(raw)},
                }
            ],
        }

    def sign(self, payload: dict) -> str:
        header = {"alg": "Ed25519", "kid": KID, "typ": "vc+jwt"}
        encoded = [independent.b64encode(json.dumps(part).encode()) for part in (header, payload)]
        signature = self.key.sign(".".join(encoded).encode())
        return ".".join([*encoded, independent.b64encode(signature)])

    def status_list(self) -> str:
        encoded = "u" + independent.b64encode(gzip.compress(bytes(16384)))
        return self.sign(
            {
                "issuer": OTHER,
                "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                "credentialSubject": {"type": "BitstringStatusList", "encodedList": encoded},
            }
        )

    def credential(self, name: str, *, valid_until=None) -> str:
        now = utcnow()
        until = valid_until or now + timedelta(days=300)
        return self.sign(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "urn:uuid:3b7f0d7e-1111-4c3b-9a52-0a1b2c3d4e5f",
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": OTHER, "type": ["Profile"], "name": "Bergen kommune"},
                "validFrom": (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "validUntil": until.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "credentialSubject": {
                    "type": ["AchievementSubject"],
                    "identifier": [
                        {
                            "type": "IdentityObject",
                            "identityType": "name",
                            "hashed": False,
                            "identityHash": name,
                        }
                    ],
                    "achievement": {
                        "type": ["Achievement"],
                        "name": "Testkompetanse",
                        "humanCode": "TEST-1",
                    },
                    "result": [{"type": ["Result"], "value": "To (2)"}],
                },
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": "5",
                    "statusListCredential": STATUS_URL,
                },
            }
        )


@pytest.fixture
def other(app, monkeypatch, org) -> OtherIssuer:
    issuer = OtherIssuer()
    monkeypatch.setattr(verification, "fetch_json", lambda url: issuer.document)
    monkeypatch.setattr(verification, "fetch_text", lambda url: issuer.status_list())
    monkeypatch.setitem(app.config, "CREDENTIALS_TRUSTED_ISSUERS", f"did:web:elsewhere.example, {OTHER}")
    with app.app_context():
        import_test_framework("TEST")
        from lms.competence import services as competence

        competence.add_requirement(
            competence.competences_by_code(["TEST-1"])["TEST-1"], db.session.get(Unit, org.ward.id), 2
        )
        db.session.commit()
    return issuer


def upload(client, token: str):
    return client.submit(
        "/credentials/import", {"file": (__import__("io").BytesIO(token.encode()), "bevis.jwt")}
    )


def counts(app, person_id: int) -> tuple[int, int]:
    with app.app_context():
        evidence = db.session.scalar(
            sa.select(sa.func.count()).select_from(Evidence).where(Evidence.person_id == person_id)
        )
        imported = db.session.scalar(sa.select(sa.func.count()).select_from(ImportedCredential))
    return evidence, imported


def test_a_trusted_issuers_credential_becomes_verified_evidence(app, org, client, make_client, other):
    client.sign_in(org.nurse)
    response = upload(client, other.credential("Nils Sykepleier"))
    assert response.status_code == 302
    with app.app_context():
        [evidence] = db.session.scalars(
            sa.select(Evidence).where(Evidence.person_id == org.nurse.id)
        ).all()
        assert (evidence.kind, evidence.level, evidence.source) == (
            EvidenceKind.CREDENTIAL,
            2,
            "Bergen kommune",
        )
        [statement] = statements()
        assert statement["verb"]["id"] == EARNED
        assert (
            statement["context"]["extensions"]["http://localhost/xapi/extensions/credential-issuer"]
            == OTHER
        )
    assert "Bergen kommune" in client.get("/credentials/me").get_data(as_text=True)
    page = client.get("/competence/me").get_data(as_text=True)
    assert "Verifisert mikrobevis fra annen utsteder" in page

    manager = make_client()
    manager.sign_in(org.manager)
    page = manager.get(f"/reports/people/{org.nurse.id}").get_data(as_text=True)
    assert "Verifisert mikrobevis fra annen utsteder: Bergen kommune" in page


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("untrusted", "Utstederen er ikke på listen over godkjente utstedere."),
        ("tampered", "Signaturen stemmer ikke: beviset er endret eller falskt."),
        ("expired", "Beviset er utløpt."),
        ("someone else's", "Beviset er utstedt til en annen person enn deg."),
        ("not a credential", "Filen er ikke et signert mikrobevis (VC-JWT)."),
    ],
)
def test_a_bad_credential_is_refused_with_its_reason_and_nothing_changes(
    app, org, client, monkeypatch, other, case, reason
):
    token = other.credential("Nils Sykepleier")
    if case == "untrusted":
        monkeypatch.setitem(app.config, "CREDENTIALS_TRUSTED_ISSUERS", "did:web:elsewhere.example")
    elif case == "tampered":
        _h, payload, _s = independent.parts(token)
        payload["credentialSubject"]["result"][0]["value"] = "Tre (3)"
        token = independent.with_payload(token, payload)
    elif case == "expired":
        token = other.credential("Nils Sykepleier", valid_until=utcnow() - timedelta(days=1))
    elif case == "someone else's":
        token = other.credential("Aisha Assistent")
    else:
        token = "hei"
    client.sign_in(org.nurse)
    before = counts(app, org.nurse.id)
    response = upload(client, token)
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert counts(app, org.nurse.id) == before


def test_nothing_is_fetched_for_an_untrusted_issuer(app, make_client, monkeypatch, other):
    """A credential's DID and status URL are the uploader's words: the public page must not make
    the platform fetch whatever they name."""
    fetched = []
    monkeypatch.setattr(verification, "fetch_json", fetched.append)
    monkeypatch.setattr(verification, "fetch_text", fetched.append)
    monkeypatch.setitem(app.config, "CREDENTIALS_TRUSTED_ISSUERS", "")
    page = make_client().submit("/verify", {"text": other.credential("Nils Sykepleier")})
    text = page.get_data(as_text=True)
    assert "Beviset er ikke gyldig" in text
    assert "Ikke sjekket, fordi utstederen ikke er godkjent." in text
    assert fetched == []
