"""Fifty people signing in at once on SQLite, through a threaded real server: nobody gets an error.

Verifying a password hash is slow on purpose. Done while the request held SQLite's write lock, each
sign-in made the others wait, and those that waited past the busy timeout (5 s) failed with
"database is locked" (HTTP 500). The hashing here is made slow (half a second a check, as on a busy
machine) so that the test shows that, whatever the machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from argon2 import PasswordHasher
from werkzeug.serving import make_server

from lms import create_app
from lms.accounts import services as accounts_services
from lms.extensions import db
from lms.organisation.models import Role, UnitKind
from lms.organisation.services import create_unit
from lms.testing import CSRF_INPUT
from tests.conftest import PASSWORD, add_person, app_config

PEOPLE = 50
CHECK_SECONDS = 0.5


class SlowToCheck(PasswordHasher):
    """The tests' light Argon2, with a check that takes as long as a real one on a busy server."""

    def verify(self, hash, password) -> bool:
        time.sleep(CHECK_SECONDS)
        return super().verify(hash, password)


@pytest.fixture(autouse=True)
def transaction() -> None:
    """Replaces the root conftest's rolled-back transaction: this test has its own database."""


@pytest.fixture
def server_url(tmp_path, monkeypatch) -> Iterator[str]:
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'sign-in.sqlite3'}"))
    with app.app_context():
        db.create_all()
        ward = create_unit("Sjøgløtt sykehjem", UnitKind.UNIT)
        for n in range(PEOPLE):
            add_person(f"Person {n}", f"person{n}@testvik.no", ward, Role.STAFF)
        db.session.commit()
    light = accounts_services._hasher
    monkeypatch.setattr(
        accounts_services,
        "_hasher",
        SlowToCheck(time_cost=light.time_cost, memory_cost=light.memory_cost, parallelism=1),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()


def test_fifty_sign_ins_at_once_on_sqlite_all_succeed(server_url):
    all_ready = threading.Barrier(PEOPLE)

    def sign_in(n: int) -> int:
        with requests.Session() as browser:
            page = browser.get(f"{server_url}/login", timeout=60).text
            form = {
                "csrf_token": CSRF_INPUT.search(page).group(1),
                "email": f"person{n}@testvik.no",
                "password": PASSWORD,
            }
            all_ready.wait(timeout=60)
            answer = browser.post(f"{server_url}/login", data=form, allow_redirects=False, timeout=60)
            return answer.status_code

    with ThreadPoolExecutor(PEOPLE) as pool:
        statuses = list(pool.map(sign_in, range(PEOPLE)))
    assert statuses == [302] * PEOPLE
