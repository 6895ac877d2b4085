"""The municipalities' Ed25519 signing keys and their DID documents (``did:web``).

A municipality (a top unit) is ``did:web:<host>:issuers:<unit id>``, which resolves to
``https://<host>/issuers/<unit id>/did.json``. Its private keys are kept encrypted with a key
derived from ``CREDENTIALS_KEY_SECRET`` and are never exported. Unset, the app's secret key stands
in for it, but only where the installation is not in production (``lms.config.in_production``):
``check_secret`` stops a production installation from starting without it, and any installation
with it set to something that cannot serve (``secret_problem``).
When that secret changes, the private keys can no longer be read (``KeyUnreadable``): nothing can
be signed until the old secret is set again or the key is rotated; the public keys, and so
verifying what was signed, are unaffected.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from lms.config import SettingError, in_production
from lms.credentials.models import IssuerKey
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Unit

SECRET_SETTING = "LMS_CREDENTIALS_KEY_SECRET"
"""The setting the private keys are encrypted with (``LMS_SECRET_KEY`` when it is unset, outside
production)."""

MIN_SECRET_LENGTH = 32
"""The shortest secret taken: the private keys are only as safe as the secret they are encrypted
with (``secrets.token_urlsafe(32)`` gives 43 characters)."""

_MAKE_ONE = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def secret_problem(config: Mapping, env: Mapping[str, str] = os.environ) -> str | None:
    """What is wrong with ``LMS_CREDENTIALS_KEY_SECRET`` for the installation ``config`` describes,
    in a sentence that names it and says what to do; None when nothing is. ``env``: where the
    setting was read, to tell one set but empty (which the feature's setting reads as unset)."""
    value = config.get("CREDENTIALS_KEY_SECRET")
    if value is None and env.get(SECRET_SETTING) is not None:
        value = env[SECRET_SETTING]
    if value is None:
        if not in_production(config):
            return None
        return (
            f"{SECRET_SETTING} is not set, and this installation is in production "
            "(LMS_BASE_URL is https or LMS_SECURE_COOKIES is on): the credentials' signing keys "
            "would be encrypted with LMS_SECRET_KEY, and changing that would make them "
            f"unreadable. Set {SECRET_SETTING} to the current secret key (LMS_SECRET_KEY, or the "
            "instance folder's secret_key file where that is unset) if credentials have been "
            f"issued already, else to a new secret ({_MAKE_ONE})."
        )
    if not value.strip():
        return (
            f"{SECRET_SETTING} is set but empty: the credentials' signing keys need a secret to "
            f"be encrypted with. Set it to a secret of at least {MIN_SECRET_LENGTH} characters "
            f"({_MAKE_ONE}), or leave it out entirely outside production."
        )
    if len(value) < MIN_SECRET_LENGTH:
        return (
            f"{SECRET_SETTING} is set but has {len(value)} characters, fewer than the "
            f"{MIN_SECRET_LENGTH} a secret that encrypts the credentials' signing keys needs. "
            f"Set it to a longer secret ({_MAKE_ONE}); if credentials have been issued with the "
            "short one, run `lms credentials rotate-key` afterwards."
        )
    return None


def check_secret(config: Mapping, env: Mapping[str, str] = os.environ) -> None:
    """Refuse to start (``SettingError``) while ``secret_problem`` finds something wrong: nothing
    falls back to another secret behind the operator's back."""
    problem = secret_problem(config, env)
    if problem is not None:
        raise SettingError(problem)


class KeyUnreadable(RuntimeError):
    """A municipality's private signing key cannot be decrypted with the secret at hand."""

    def __init__(self, key: IssuerKey) -> None:
        self.key = key
        super().__init__(
            f"the credential signing key {key.kid} of unit {key.unit_id} cannot be decrypted: "
            f"{SECRET_SETTING} (or LMS_SECRET_KEY, when it is unset) is not the secret the key was "
            f"made with. Set {SECRET_SETTING} to that secret (the earlier LMS_SECRET_KEY), or run "
            "`lms credentials rotate-key` to sign from now on with a new key."
        )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _fernet() -> Fernet:
    secret = current_app.config.get("CREDENTIALS_KEY_SECRET") or current_app.config["SECRET_KEY"]
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"laerevakt credential keys"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def did_for(unit_id: int) -> str:
    """The issuer's DID: the host (a port escaped as did:web says), then ``issuers`` and the unit."""
    base = urlsplit(current_app.config["BASE_URL"])
    parts = [quote(base.netloc, safe="")]
    parts += [segment for segment in base.path.split("/") if segment]
    return "did:web:" + ":".join([*parts, "issuers", str(unit_id)])


def did_url(did: str) -> str:
    """Where a ``did:web`` DID's document is (the rules of the did:web method). Localhost and
    127.0.0.1 are fetched over http, everything else over https."""
    host, *path = did.removeprefix("did:web:").split(":")
    host = host.replace("%3A", ":").replace("%3a", ":")
    scheme = "http" if host.split(":")[0] in ("127.0.0.1", "localhost") else "https"
    tail = "/".join(path) + "/did.json" if path else ".well-known/did.json"
    return f"{scheme}://{host}/{tail}"


def verification_method(key: IssuerKey) -> str:
    return f"{did_for(key.unit_id)}#{key.kid}"


def current_key(unit: Unit) -> IssuerKey:
    """The municipality's key in use, made on first use."""
    key = db.session.scalar(
        sa.select(IssuerKey).where(IssuerKey.unit_id == unit.id, IssuerKey.retired_at.is_(None))
    )
    return key or new_key(unit)


def new_key(unit: Unit) -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key = IssuerKey(
        unit_id=unit.id,
        kid="key-" + utcnow().strftime("%Y%m%d%H%M%S") + "-" + b64url(raw_public)[:6],
        public_key=b64url(raw_public),
        private_key_encrypted=_fernet().encrypt(raw_private).decode(),
    )
    db.session.add(key)
    db.session.flush()
    return key


def rotate(unit: Unit) -> IssuerKey:
    """Retire the municipality's current key and make a new one; what the old key signed still
    verifies, since it stays in the DID document."""
    now = utcnow()
    for key in keys_of(unit.id):
        if key.retired_at is None:
            key.retired_at = now
    db.session.flush()
    return new_key(unit)


def keys_of(unit_id: int) -> list[IssuerKey]:
    return list(
        db.session.scalars(
            sa.select(IssuerKey).where(IssuerKey.unit_id == unit_id).order_by(IssuerKey.id)
        )
    )


def private_jwk(key: IssuerKey) -> dict[str, str]:
    """The private key, decrypted (``KeyUnreadable`` when the secret has changed)."""
    try:
        raw = _fernet().decrypt(key.private_key_encrypted.encode())
    except InvalidToken as changed:
        raise KeyUnreadable(key) from changed
    return {"kty": "OKP", "crv": "Ed25519", "x": key.public_key, "d": b64url(raw)}


def unreadable_keys() -> list[KeyUnreadable]:
    """Why each key in use (not retired) cannot be read with the secret at hand; empty when all can."""
    query = sa.select(IssuerKey).where(IssuerKey.retired_at.is_(None)).order_by(IssuerKey.unit_id)
    problems = []
    for key in db.session.scalars(query):
        try:
            private_jwk(key)
        except KeyUnreadable as problem:
            problems.append(problem)
    return problems


def public_jwk(key: IssuerKey) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": key.public_key}


def did_document(unit: Unit) -> dict:
    """The DID document: every key the municipality has signed with, as a JsonWebKey method."""
    did = did_for(unit.id)
    methods = [
        {
            "id": verification_method(key),
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": public_jwk(key),
        }
        for key in keys_of(unit.id)
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "alsoKnownAs": [current_app.config["BASE_URL"]],
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
