"""Keys of the built-in LRS: made with a secret shown once, kept hashed, checked, revoked."""

from __future__ import annotations

import sqlalchemy as sa

from lms.extensions import db
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


def test_the_secret_is_kept_only_as_a_salted_scrypt_hash(app):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "a")
        _other_key, same_looking = credentials.create_key(db.session, "b")
        rows = db.session.execute(sa.select(credentials.credentials)).mappings().all()
    stored = {row["key"]: row["secret_hash"] for row in rows}
    assert all(secret not in str(dict(row)) for row in rows)
    assert stored[key].startswith("scrypt$")
    assert credentials.secret_matches(secret, stored[key])
    assert not credentials.secret_matches(same_looking, stored[key])
    assert credentials.hash_secret(secret) != credentials.hash_secret(secret)  # salted
    assert not credentials.secret_matches(secret, "md5$nonsense")


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
