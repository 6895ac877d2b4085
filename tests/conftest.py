"""Shared fixtures: one app for the run, each test inside a transaction that is rolled back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis import settings
from sqlalchemy.orm import Session, scoped_session, sessionmaker

import lms.models  # noqa: F401
from lms import create_app
from lms.accounts import services as accounts_services
from lms.accounts.services import set_password
from lms.core.driver import DriverWork
from lms.extensions import JoinsWaiting, db, limiter
from lms.organisation.models import Person, Role, Unit, UnitKind
from lms.organisation.services import create_person, create_unit, grant_role
from lms.testing import FormClient, app_config
from tests.support.databases import main_database_url

PASSWORD = "riktig-passord-123"

settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    # CI tries the same examples on every run, so that what it reports can be rerun (CI=true);
    # elsewhere each run tries new ones.
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2 with the lightest parameters: the tests check behaviour, not hashing cost."""
    original = accounts_services._hasher
    accounts_services._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    accounts_services._hasher = original


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[Flask]:
    tmp_dir = tmp_path_factory.mktemp("instance")
    app = create_app(app_config(tmp_dir, main_database_url(tmp_dir)))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


class BoundSession(JoinsWaiting, Session):
    """The tests' session class: SQLAlchemy's, bound to the test's connection (Flask-SQLAlchemy's
    picks the app's engine), taking up waiting objects as the app's does."""


@pytest.fixture(autouse=True)
def transaction(app: Flask) -> Iterator[None]:
    """Run the test in a transaction that is rolled back; the app's commits become savepoints.

    No app context stays pushed during a test, so each request gets its own, as in production; test
    code that calls services opens one with ``with app.app_context():`` and commits what it made.
    """
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    factory = sessionmaker(
        class_=BoundSession,
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    db.session = scoped_session(factory, scopefunc=_app_ctx_id)
    limiter.reset()
    mail_log = app.config["INSTANCE_PATH"] / "mail.log"
    mail_log.unlink(missing_ok=True)
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


class Client(FormClient):
    """A test client that fills in the CSRF token the way a browser posting the form would."""

    def sign_in(self, person: Person, password: str = PASSWORD):
        return self.sign_in_with(person.email, password)


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def make_client(app: Flask):
    app.test_client_class = Client
    return app.test_client


@dataclass
class Org:
    """A small municipality: one service area with two units, and people in them."""

    municipality: Unit
    area: Unit
    ward: Unit
    zone: Unit
    other_area: Unit
    other_unit: Unit
    admin: Person
    manager: Person
    facilitator: Person
    nurse: Person
    assistant: Person
    outsider: Person


def add_person(name: str, email: str, unit: Unit, role: Role, job_title: str | None = None) -> Person:
    person = create_person(name, email=email, job_title=job_title)
    set_password(person, PASSWORD)
    grant_role(person, unit, role)
    return person


@pytest.fixture
def org(app: Flask) -> Org:
    with app.app_context():
        made = _make_org()
        db.session.commit()
    return made


def _make_org() -> Org:
    municipality = create_unit("Testvik kommune", UnitKind.MUNICIPALITY)
    area = create_unit("Helse og omsorg", UnitKind.SERVICE_AREA, municipality)
    ward = create_unit("Sjøgløtt sykehjem, 2. etasje", UnitKind.UNIT, area)
    zone = create_unit("Hjemmesykepleien sone Nord", UnitKind.UNIT, area)
    other_area = create_unit("Oppvekst", UnitKind.SERVICE_AREA, municipality)
    other_unit = create_unit("Bakken barnehage", UnitKind.UNIT, other_area)
    return Org(
        municipality=municipality,
        area=area,
        ward=ward,
        zone=zone,
        other_area=other_area,
        other_unit=other_unit,
        admin=add_person("Ada Admin", "admin@testvik.no", municipality, Role.ADMIN),
        manager=add_person("Mona Leder", "mona@testvik.no", ward, Role.MANAGER, "sykepleier"),
        facilitator=add_person("Frida Veileder", "frida@testvik.no", zone, Role.FACILITATOR),
        nurse=add_person("Nils Sykepleier", "nils@testvik.no", ward, Role.STAFF, "sykepleier"),
        assistant=add_person("Aisha Assistent", "aisha@testvik.no", zone, Role.STAFF, "assistent"),
        outsider=add_person("Ole Barnehage", "ole@testvik.no", other_unit, Role.STAFF),
    )


FIXTURE_MODULE = Path(__file__).resolve().parent / "fixtures" / "modules" / "alle-korttyper"


@pytest.fixture
def fixture_module(app: Flask) -> str:
    """The test package with every card type, installed and published; returns its module id."""
    from lms.content.services import install

    with app.app_context():
        version, _ = install(FIXTURE_MODULE, "test", publish=True)
        db.session.commit()
        return version.module_id


@pytest.fixture
def count_queries(app: Flask):
    """``with count_queries() as counted: ...`` then ``counted.n`` is the number of statements run:
    through SQLAlchemy, and on the driver's connection (``lms.core.driver``), which SQLAlchemy's
    events do not see."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = type("Counted", (), {"n": 0})()

        def count(*_args):
            counter.n += 1

        def execute_counted(work, statement, values):
            count()
            return execute(work, statement, values)

        with app.app_context():
            engine = db.engine
        execute = DriverWork._execute
        sa.event.listen(engine, "before_cursor_execute", count)
        DriverWork._execute = execute_counted
        try:
            yield counter
        finally:
            DriverWork._execute = execute
            sa.event.remove(engine, "before_cursor_execute", count)

    return counting


def read_mail(app: Flask) -> str:
    mail_log = app.config["INSTANCE_PATH"] / "mail.log"
    return mail_log.read_text(encoding="utf-8") if mail_log.exists() else ""
