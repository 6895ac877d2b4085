"""VC-JWT (W3C VC-JOSE-COSE): a credential is the payload of a compact JWS signed with the issuer's
Ed25519 key, ``typ`` ``vc+jwt``, ``kid`` the DID URL of the key. Signing and checking the signature
use ``joserfc``; ``Ed25519`` (RFC 9864) is the algorithm, and ``EdDSA`` is accepted when checking."""

from __future__ import annotations

import json
from collections.abc import Callable

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from lms.credentials import keys
from lms.credentials.models import IssuerKey

ALGORITHM = "Ed25519"
ACCEPTED = ["Ed25519", "EdDSA"]
MEDIA_TYPE = "application/vc+jwt"


class Unreadable(ValueError):
    """Not a compact JWS with a JSON payload."""


def signer(key: IssuerKey, typ: str = "vc+jwt") -> Callable[[dict], str]:
    """Signs payloads with ``key``, decrypted once (for issuing many credentials at a time)."""
    header = {"alg": ALGORITHM, "kid": keys.verification_method(key), "typ": typ, "cty": "vc"}
    private = OKPKey.import_key(keys.private_jwk(key))

    def sign_one(payload: dict) -> str:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return jws.serialize_compact(dict(header), body, private, algorithms=[ALGORITHM])

    return sign_one


def sign(payload: dict, key: IssuerKey, typ: str = "vc+jwt") -> str:
    return signer(key, typ)(payload)


def unverified(token: str) -> tuple[dict, dict]:
    """The header and payload, not yet checked."""
    try:
        parts = jws.extract_compact(token.strip().encode())
        return dict(parts.protected), json.loads(parts.payload)
    except (JoseError, ValueError, TypeError) as problem:
        raise Unreadable(str(problem)) from problem


def signature_holds(token: str, jwk: dict) -> bool:
    try:
        jws.deserialize_compact(token.strip(), OKPKey.import_key(jwk), algorithms=ACCEPTED)
    except (JoseError, ValueError, TypeError):
        return False
    return True
