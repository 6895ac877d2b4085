"""Bitstring Status List (W3C): one list per municipality, purpose ``revocation``. A credential's
bit is at its ``status_index``; bit 0 is the most significant bit of the first byte. The list is
published as a signed ``BitstringStatusListCredential`` at ``/issuers/<unit>/status/1``."""

from __future__ import annotations

import base64
import gzip

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from lms.credentials.models import Credential, StatusListCounter
from lms.extensions import db

LIST_BITS = 131072
"""16 KiB, the smallest list the specification allows (so that one bit says little)."""
LIST_NUMBER = 1


def allocate_indexes(unit_id: int, count: int) -> range:
    """``count`` free indexes of the municipality's list, taken in one UPDATE of its counter that
    returns the raised value. On PostgreSQL the UPDATE locks the counter's row until the
    transaction ends, so a second issuer waits and then raises the committed value: no index is
    handed out twice (on SQLite, writers take the database's write lock up front). ``count`` may
    be 0 (an empty range)."""
    if db.session.get(StatusListCounter, unit_id) is None:
        # The first issue of the municipality makes its counter; a second issuer making it at the
        # same time waits for the first's transaction and then leaves its row be.
        dialect = db.session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(StatusListCounter)
        db.session.execute(
            insert.values(unit_id=unit_id, next_index=0).on_conflict_do_nothing(
                index_elements=["unit_id"]
            )
        )
    # Not synchronised with the session: evaluating the UPDATE against every object the session
    # holds made issuing many credentials in one transaction (the nightly refresh) quadratic. The
    # index is read back as a column, never from the counter object.
    taken = db.session.execute(
        sa.update(StatusListCounter)
        .where(StatusListCounter.unit_id == unit_id)
        .values(next_index=StatusListCounter.next_index + count)
        .returning(StatusListCounter.next_index)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if taken > LIST_BITS:
        raise RuntimeError("the status list is full")
    return range(taken - count, taken)


def list_url(unit_id: int) -> str:
    """Built from ``BASE_URL``, so that jobs and the CLI make the same URL as requests."""
    return f"{current_app.config['BASE_URL']}/issuers/{unit_id}/status/{LIST_NUMBER}"


def revoked_indexes(unit_id: int) -> list[int]:
    query = sa.select(Credential.status_index).where(
        Credential.unit_id == unit_id, Credential.revoked_at.is_not(None)
    )
    return list(db.session.scalars(query))


def encode(indexes: list[int], size: int = LIST_BITS) -> str:
    """The list as the specification's ``encodedList``: multibase base64url (``u``) of GZIP."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()


def bit_is_set(encoded: str, index: int) -> bool:
    raw = encoded.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(unit_id: int, issuer: str, valid_from: str) -> dict:
    url = list_url(unit_id)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(revoked_indexes(unit_id)),
        },
    }
