"""API keys for the tests: ``api_headers("people:write")`` makes a key with those scopes (all of
them when none are given) and returns the headers that carry it."""

from __future__ import annotations

import pytest

from lms.api import keys
from lms.extensions import db


@pytest.fixture
def api_headers(app):
    def make(*scopes: str) -> dict[str, str]:
        with app.app_context():
            _key, text = keys.create_key("Test", scopes or keys.SCOPES)
            db.session.commit()
        return {"Authorization": f"Bearer {text}"}

    return make
