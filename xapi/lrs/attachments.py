"""Attachment data of the built-in LRS: reading and writing ``multipart/mixed`` bodies, matching parts
to the attachments statements declare (by SHA-2), and checking signed statements (a JWS attachment).

No web framework and no database here: ``xapi.lrs.api`` calls these and ``xapi.lrs.store`` keeps the
data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xapi import bounded_json

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_TYPE = "application/octet-stream"
SIGNATURE_ALGORITHMS = {"RS256": "sha256", "RS384": "sha384", "RS512": "sha512"}
HASHES = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}
"""A SHA-2 digest's algorithm by the length of its hex form."""


class AttachmentError(ValueError):
    """The request's attachments break the rules (HTTP 400)."""


@dataclass
class Part:
    headers: dict[str, str]
    """Header names lower-cased."""
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "application/octet-stream")


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """The parts of a ``multipart/mixed`` body (RFC 2046)."""
    if not boundary:
        raise AttachmentError("multipart/mixed needs a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise AttachmentError("the multipart body has no parts")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            head, separator, content = chunk.partition(b"\n\n")
        if not separator:
            raise AttachmentError("a part of the multipart body has no header block")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
    else:
        raise AttachmentError("the multipart body does not end with its closing boundary")
    return parts


def build_multipart(first: bytes, attachments: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A ``multipart/mixed`` body: the JSON, then each ``(sha2, content type, data)``. Returns the
    body and its boundary."""
    boundary = "xapi-" + secrets.token_hex(16)
    delimiter = b"--" + boundary.encode("ascii")
    out = [delimiter, b"\r\nContent-Type: application/json\r\n\r\n", first, b"\r\n"]
    for sha2, content_type, content in attachments:
        out += [
            delimiter,
            f"\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode("latin-1"),
            content,
            b"\r\n",
        ]
    out += [delimiter, b"--\r\n"]
    return b"".join(out), boundary


def hash_parts(parts: list[Part]) -> dict[str, tuple[str, bytes]]:
    """``sha2 -> (content type, data)`` for the attachment parts, each checked against its data."""
    found: dict[str, tuple[str, bytes]] = {}
    for number, part in enumerate(parts, start=1):
        encoding = part.headers.get("content-transfer-encoding", "binary").strip().lower()
        if encoding != "binary":
            raise AttachmentError(f"part {number}: Content-Transfer-Encoding must be binary")
        declared = part.headers.get("x-experience-api-hash", "").strip().lower()
        if not declared:
            raise AttachmentError(f"part {number} has no X-Experience-API-Hash header")
        algorithm = HASHES.get(len(declared))
        if algorithm is None or algorithm(part.content).hexdigest() != declared:
            raise AttachmentError(f"part {number}: X-Experience-API-Hash does not match its data")
        found[declared] = (part.content_type, part.content)
    return found


def declared(statement: Any) -> list[dict]:
    """The attachments a statement (and its SubStatement) declares."""
    if not isinstance(statement, dict):
        return []
    found = [item for item in statement.get("attachments") or [] if isinstance(item, dict)]
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        found += [item for item in target.get("attachments") or [] if isinstance(item, dict)]
    return found


def check_batch(batch: list[Any], data: dict[str, tuple[str, bytes]]) -> None:
    """Every attachment without a fileUrl has its data in ``data``; every part is declared; signed
    statements carry a good signature."""
    wanted = set()
    for index, statement in enumerate(batch):
        for number, attachment in enumerate(declared(statement)):
            sha2 = str(attachment.get("sha2", "")).lower()
            wanted.add(sha2)
            if attachment.get("usageType") == SIGNATURE:
                if attachment.get("contentType") != SIGNATURE_TYPE:
                    raise AttachmentError(
                        f"statement {index}: a signature attachment must be {SIGNATURE_TYPE}"
                    )
                if sha2 not in data:
                    raise AttachmentError(f"statement {index}: the signature was not sent")
                check_signature(statement, data[sha2][1], index)
            elif "fileUrl" not in attachment and sha2 not in data:
                raise AttachmentError(
                    f"statement {index}: attachment {number} has no fileUrl and its data was not sent"
                )
    unused = sorted(set(data) - wanted)
    if unused:
        raise AttachmentError(f"a part with hash {unused[0]} belongs to no attachment")


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


SIGNED_IGNORED = {"authority", "stored", "version", "attachments", "id", "timestamp"}


def check_signature(statement: dict, jws: bytes, index: int) -> None:
    """A compact JWS whose header names RS256, RS384 or RS512 and whose payload is this statement.
    When the header carries the signer's certificate (``x5c``) the signature is verified with it."""
    try:
        header_b64, payload_b64, signature_b64 = jws.decode("ascii").strip().split(".")
        header = bounded_json.loads(_b64(header_b64))
        payload = bounded_json.loads(_b64(payload_b64))
        signature = _b64(signature_b64)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise AttachmentError(f"statement {index}: the signature is not a JWS") from None
    if not isinstance(header, dict) or header.get("alg") not in SIGNATURE_ALGORITHMS:
        raise AttachmentError(f"statement {index}: the signature must use RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise AttachmentError(f"statement {index}: the signature's payload is not a statement")
    if (
        "id" in payload
        and "id" in statement
        and str(payload["id"]).lower() != str(statement["id"]).lower()
    ):
        raise AttachmentError(f"statement {index}: the signature was made for another statement")

    def comparable(value: dict) -> dict:
        kept = {key: item for key, item in value.items() if key not in SIGNED_IGNORED}
        result = kept.get("result")
        if isinstance(result, dict) and isinstance(result.get("duration"), str):
            kept["result"] = {**result, "duration": _hundredths(result["duration"])}
        return kept

    if comparable(payload) != comparable(statement):
        raise AttachmentError(f"statement {index}: the signed payload differs from the statement")
    if isinstance(header.get("x5c"), list) and header["x5c"]:
        _verify(header, f"{header_b64}.{payload_b64}".encode("ascii"), signature, index)


def _hundredths(duration: str) -> str:
    """A duration with its seconds cut to 0.01 s: xAPI 2.0 compares no finer than that."""
    match = re.search(r"(\d+)(?:\.(\d+))?S$", duration)
    if not match:
        return duration
    whole, fraction = match.group(1), (match.group(2) or "").ljust(2, "0")[:2]
    return f"{duration[: match.start()]}{whole}.{fraction}S"


def _verify(header: dict, signed: bytes, signature: bytes, index: int) -> None:
    try:
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
    except ImportError:  # pragma: no cover - verification is optional without the library
        return
    algorithm = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[
        SIGNATURE_ALGORITHMS[header["alg"]]
    ]()
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        certificate.public_key().verify(signature, signed, padding.PKCS1v15(), algorithm)
    except (InvalidSignature, ValueError, TypeError, AttributeError, binascii.Error):
        raise AttachmentError(f"statement {index}: the signature does not verify") from None
