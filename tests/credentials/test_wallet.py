"""The wallet's downloads and share link, the public verification page, and an admin's revocation,
with who else can reach each."""

from __future__ import annotations

import io
import json
import struct
import zlib

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.credentials.models import Credential
from lms.extensions import db
from tests.credentials import independent


def itxt_chunks(png: bytes) -> dict[str, str]:
    """The iTXt chunks of a PNG, read by hand (keyword: text; uncompressed)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + data)
        if kind == b"iTXt":
            keyword, rest = data.split(b"\x00", 1)
            assert rest[:2] == b"\x00\x00"
            _language, _translated, text = rest[2:].split(b"\x00", 2)
            found[keyword.decode()] = text.decode()
        at += 12 + length
    return found


def test_the_wallet_lists_the_credential_and_its_downloads(org, client, earned):
    client.sign_in(org.nurse)
    page = client.get("/credentials/me").get_data(as_text=True)
    assert "Testkompetanse" in page and "Last ned kursbevis (PDF)" in page

    download = client.get(f"/credentials/{earned.credential_id}/credential.json")
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    body = json.loads(download.get_data())
    assert body["verifiableCredential"] == earned.token
    assert body["decoded"]["credentialSubject"]["achievement"]["name"] == "Testkompetanse"

    png = client.get(f"/credentials/{earned.credential_id}/badge.png").get_data()
    assert itxt_chunks(png) == {"openbadgecredential": earned.token}

    pdf = client.get(f"/credentials/{earned.credential_id}/kursbevis.pdf")
    assert pdf.mimetype == "application/pdf"
    data = pdf.get_data()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert b"(Kursbevis) Tj" in data and b"Testkompetanse" in data
    assert b"/verify/" in data


def test_someone_else_cannot_download_or_share_it(org, make_client, earned):
    for person in (org.assistant, org.manager, org.admin):
        other = make_client()
        other.sign_in(person)
        for tail in ("credential.json", "credential.jwt", "badge.png", "kursbevis.pdf"):
            assert other.get(f"/credentials/{earned.credential_id}/{tail}").status_code == 404
        assert (
            other.submit(f"/credentials/{earned.credential_id}/share", {"shared": "0"}).status_code
            == 404
        )


def test_the_share_link_shows_it_valid_until_turned_off(app, org, client, make_client, earned):
    with app.app_context():
        token = db.session.get(Credential, earned.credential_id).share_token
    anyone = make_client()
    page = anyone.get(f"/verify/{token}").get_data(as_text=True)
    assert "Beviset er gyldig" in page and "Testvik kommune" in page

    client.sign_in(org.nurse)
    client.submit(f"/credentials/{earned.credential_id}/share", {"shared": "0"})
    assert anyone.get(f"/verify/{token}").status_code == 404
    client.submit(f"/credentials/{earned.credential_id}/share", {"shared": "1"})
    assert anyone.get(f"/verify/{token}").status_code == 200


def test_the_public_page_checks_an_upload(make_client, earned):
    anyone = make_client()
    upload = {"file": (io.BytesIO(earned.token.encode()), "bevis.jwt")}
    page = anyone.submit("/verify", upload).get_data(as_text=True)
    assert "Beviset er gyldig" in page
    assert "Signaturen er ekte, og beviset er ikke endret." in page
    _h, payload, _s = independent.parts(earned.token)
    payload["credentialSubject"]["result"][0]["value"] = "To (3)"
    page = anyone.submit("/verify", {"text": independent.with_payload(earned.token, payload)}).get_data(
        as_text=True
    )
    assert "Beviset er ikke gyldig" in page
    assert "Signaturen stemmer ikke" in page


def test_an_admin_revokes_it_with_a_reason_and_the_page_says_so(app, org, client, make_client, earned):
    client.sign_in(org.admin)
    url = f"/admin/people/{org.nurse.id}/credentials/{earned.credential_id}/revoke"
    client.submit(url, {"reason": "  "})
    with app.app_context():
        assert db.session.get(Credential, earned.credential_id).revoked_at is None
    client.submit(url, {"reason": "Registrert på feil person"})
    with app.app_context():
        credential = db.session.get(Credential, earned.credential_id)
        assert credential.revoked_reason == "Registrert på feil person"
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "credential.revoke"))
        assert (entry.actor_id, entry.subject_id) == (org.admin.id, str(org.nurse.id))
        token = credential.share_token
    page = client.get(f"/admin/people/{org.nurse.id}/credentials").get_data(as_text=True)
    assert "Registrert på feil person" in page
    page = make_client().get(f"/verify/{token}").get_data(as_text=True)
    assert "Beviset er ikke gyldig" in page
    assert "Beviset er trukket tilbake av utstederen." in page


def test_only_admins_over_the_person_see_and_revoke_their_credentials(app, org, make_client, earned):
    url = f"/admin/people/{org.nurse.id}/credentials"
    for person, status in (
        (org.manager, 403),
        (org.nurse, 403),
        (org.facilitator, 403),
        (org.admin, 200),
    ):
        someone = make_client()
        someone.sign_in(person)
        assert someone.get(url).status_code == status
        revoked = someone.submit(f"{url}/{earned.credential_id}/revoke", {"reason": "Feil"})
        assert revoked.status_code == (302 if status == 200 else 403)
    with app.app_context():
        assert db.session.get(Credential, earned.credential_id).revoked_by_id == org.admin.id


def test_a_credential_of_another_person_cannot_be_revoked_through_this_person(
    app, org, make_client, earned
):
    admin = make_client()
    admin.sign_in(org.admin)
    url = f"/admin/people/{org.assistant.id}/credentials/{earned.credential_id}/revoke"
    assert admin.submit(url, {"reason": "Feil"}).status_code == 404


def test_the_did_document_and_status_list_are_public_and_only_for_municipalities(
    org, make_client, earned
):
    anyone = make_client()
    document = anyone.get(f"/issuers/{earned.issuer_unit_id}/did.json").get_json()
    assert document["id"] == f"did:web:localhost:issuers:{earned.issuer_unit_id}"
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert "d" not in document["verificationMethod"][0]["publicKeyJwk"]
    assert anyone.get(f"/issuers/{org.ward.id}/did.json").status_code == 404
    assert anyone.get(f"/issuers/{earned.issuer_unit_id}/status/2").status_code == 404
    assert anyone.get(f"/issuers/{earned.issuer_unit_id}/status/1").status_code == 200


def test_revoking_it_again_says_it_already_is_and_keeps_the_first_reason(app, org, make_client, earned):
    admin = make_client()
    admin.sign_in(org.admin)
    url = f"/admin/people/{org.nurse.id}/credentials/{earned.credential_id}/revoke"
    admin.submit(url, {"reason": "Registrert på feil person"})
    again = admin.submit(url, {"reason": "Dobbelttrykk"})
    listed = f"/admin/people/{org.nurse.id}/credentials"
    assert (again.status_code, again.location) == (303, listed)
    page = admin.get(listed).get_data(as_text=True)
    assert "Beviset er allerede trukket tilbake." in page and "Dobbelttrykk" not in page
    with app.app_context():
        assert db.session.get(Credential, earned.credential_id).revoked_reason == (
            "Registrert på feil person"
        )
        revocations = sa.select(sa.func.count()).where(AuditEntry.action == "credential.revoke")
        assert db.session.scalar(revocations) == 1
    manager = make_client()
    manager.sign_in(org.manager)
    assert manager.submit(url, {"reason": "Feil"}).status_code == 403
