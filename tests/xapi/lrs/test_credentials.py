"""Keys of the built-in LRS: made with a secret shown once, kept hashed, checked, revoked."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from lms.extensions import db
from xapi import secret_hashing
from xapi.lrs import credentials


def test_a_new_key_checks_with_its_secret_only(app):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "  Rapportverktøy ")
        found = credentials.check(db.session, key, secret)
        assert found is not None and found.name == "Rapportverktøy" and found.active
        assert credentials.check(db.session, key, secret + "x") is None
        assert credentials.check(db.session, "other", secret) is None
        assert credentials.check(db.session, key, "") is None
    assert ":" not in key and ":" not in secret


def test_the_secret_is_kept_only_as_its_sha256(app):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "a")
        _other_key, same_looking = credentials.create_key(db.session, "b")
        rows = db.session.execute(sa.select(credentials.credentials)).mappings().all()
    stored = {row["key"]: row["secret_hash"] for row in rows}
    assert all(secret not in str(dict(row)) for row in rows)
    assert stored[key] == "sha256$" + hashlib.sha256(secret.encode()).hexdigest()
    assert secret_hashing.secret_matches(secret, stored[key])
    assert not secret_hashing.secret_matches(same_looking, stored[key])
    assert not secret_hashing.secret_matches(secret, "md5$nonsense")


def test_a_key_kept_as_scrypt_before_still_checks_and_is_rehashed_at_its_first_use(app):
    """Keys made before the LRS and the API shared one way of keeping secrets."""
    salt = bytes(range(16))
    with app.app_context():
        key, secret = credentials.create_key(db.session, "Gammel nøkkel")
        digest = hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()
        legacy = f"scrypt$16384$8$1${salt.hex()}${digest}"
        table = credentials.credentials
        db.session.execute(table.update().where(table.c.key == key).values(secret_hash=legacy))
        assert credentials.check(db.session, key, secret + "x") is None
        stored = db.session.scalar(sa.select(table.c.secret_hash).where(table.c.key == key))
        assert stored == legacy, "a wrong secret changes nothing"
        assert credentials.check(db.session, key, secret) is not None
        stored = db.session.scalar(sa.select(table.c.secret_hash).where(table.c.key == key))
        assert stored == secret_hashing.hash_secret(secret)
        assert credentials.check(db.session, key, secret) is not None


def test_the_secret_is_not_listed(app):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "a")
        listed = credentials.list_keys(db.session)
    assert [found.key for found in listed] == [key]
    assert secret not in repr(listed)


def test_a_revoked_key_is_refused_at_once(app):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "a")
        assert credentials.check(db.session, key, secret) is not None  # now remembered
        assert credentials.revoke(db.session, key)
        assert credentials.check(db.session, key, secret) is None
        assert not credentials.revoke(db.session, key)
        assert not credentials.revoke(db.session, "nokey")
        (listed,) = credentials.list_keys(db.session)
    assert listed.revoked_at is not None and not listed.active


def test_last_used_is_recorded(app):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "a")
        assert credentials.list_keys(db.session)[0].last_used_at is None
        credentials.check(db.session, key, secret)
        assert credentials.list_keys(db.session)[0].last_used_at is not None


def test_the_version_a_key_last_spoke_is_kept_and_written_only_when_it_changes(app):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "a")
        assert credentials.check(db.session, key, secret).last_version is None
        assert credentials.check(db.session, key, secret, version="1.0.3").last_version == "1.0.3"
        assert credentials.check(db.session, key, secret).last_version == "1.0.3"
        writes = []
        listen = lambda *args: writes.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            credentials.check(db.session, key, secret, version="1.0.3")
            assert not [sql for sql in writes if sql.startswith("UPDATE")]
            assert credentials.check(db.session, key, secret, version="2.0.0").last_version == "2.0.0"
            assert [sql for sql in writes if sql.startswith("UPDATE")]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        assert credentials.list_keys(db.session)[0].last_version == "2.0.0"


def test_a_name_is_required(app):
    import pytest

    with app.app_context(), pytest.raises(ValueError):
        credentials.create_key(db.session, "   ")
