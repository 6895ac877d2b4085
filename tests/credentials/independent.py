"""A second, independent verifier for the tests: raw ``cryptography`` Ed25519 and hand-made
base64url/JSON parsing, sharing no code with ``joserfc`` or ``lms.credentials``."""

from __future__ import annotations

import base64
import gzip
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict, dict, bytes]:
    header, payload, signature = token.split(".")
    return json.loads(b64decode(header)), json.loads(b64decode(payload)), b64decode(signature)


def signature_holds(token: str, did_document: dict) -> bool:
    header, _payload, signature = parts(token)
    assert header["alg"] in ("Ed25519", "EdDSA")
    [method] = [m for m in did_document["verificationMethod"] if m["id"] == header["kid"]]
    jwk = method["publicKeyJwk"]
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    key = Ed25519PublicKey.from_public_bytes(b64decode(jwk["x"]))
    signing_input = token.rsplit(".", 1)[0].encode("ascii")
    try:
        key.verify(signature, signing_input)
    except InvalidSignature:
        return False
    return True


def status_bit(encoded_list: str, index: int) -> bool:
    assert encoded_list.startswith("u")
    bits = gzip.decompress(b64decode(encoded_list[1:]))
    return bool(bits[index // 8] >> (7 - index % 8) & 1)


def with_payload(token: str, payload: dict) -> str:
    """The token with another payload and the old signature."""
    header, _payload, signature = token.split(".")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return f"{header}.{b64encode(body)}.{signature}"
