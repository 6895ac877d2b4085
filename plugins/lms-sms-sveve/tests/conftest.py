"""The plugin's tests: a fake of Sveve's HTTP API on 127.0.0.1, and apps made by ``create_app``
with the plugin enabled by setting (or not), each on its own SQLite file."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from lms import create_app
from lms.accounts.services import set_password
from lms.extensions import db
from lms.organisation.models import Role, UnitKind
from lms.organisation.services import create_person, create_unit, grant_role
from lms.testing import FormClient, app_config

PASSWORD = "riktig-passord-123"
SVEVE_USER, SVEVE_PASSWORD = "fjordvik", "api-passord"


@dataclass
class FakeSveve:
    """Answers as Sveve's API documents (the plugin's README): ``SendMessage`` and
    ``AccountAdm?cmd=sms_count``. ``sent`` holds the form fields of every accepted message."""

    url: str = ""
    sent: list[dict] = field(default_factory=list)
    remaining: int = 1200

    def answer(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        if (fields.get("user"), fields.get("passwd")) != (SVEVE_USER, SVEVE_PASSWORD):
            if path == "/SMS/AccountAdm":
                return 200, "text/plain", "Feil brukernavn/passord"
            return 200, "application/json", _response(fatalError="Feil brukernavn/passord")
        if path == "/SMS/AccountAdm" and fields.get("cmd") == "sms_count":
            return 200, "text/plain", str(self.remaining)
        if path == "/SMS/SendMessage" and fields.get("f") == "json":
            if not re.fullmatch(r"\+\d{8,15}", fields.get("to", "")):
                error = {"number": fields.get("to", ""), "message": "Ugyldig nummer"}
                return 200, "application/json", _response(msgOkCount=0, errors=[error])
            self.sent.append(fields)
            self.remaining -= 1
            return 200, "application/json", _response(msgOkCount=1, stdSMSCount=1, ids=[len(self.sent)])
        return 404, "text/plain", "not found"


def _response(**fields) -> str:
    return json.dumps({"response": {"msgOkCount": 0, "stdSMSCount": 0, **fields}})


@pytest.fixture
def sveve() -> Iterator[FakeSveve]:
    fake = FakeSveve()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, fields: dict[str, str]) -> None:
            status, content_type, body = fake.answer(urlsplit(self.path).path, fields)
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._reply({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
            self._reply({k: v[0] for k, v in parse_qs(body).items()})

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def make_app(tmp_path):
    """``make_app(**settings)``: an app on a fresh SQLite file with the given settings."""
    return lambda **settings: _make_app(tmp_path, **settings)


def _make_app(tmp_path, **settings) -> Flask:
    database_url = f"sqlite:///{tmp_path / 'lms.sqlite3'}"
    app = create_app({**app_config(tmp_path / "instance", database_url), **settings})
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path, sveve) -> Iterator[Flask]:
    """The app with the plugin enabled and its gateway chosen for reminders."""
    made = _make_app(
        tmp_path,
        PLUGINS="sms-sveve",
        SMS_GATEWAY="sveve",
        SVEVE_URL=sveve.url,
        SVEVE_USER=SVEVE_USER,
        SVEVE_PASSWORD=SVEVE_PASSWORD,
    )
    yield made
    with made.app_context():
        db.engine.dispose()


@dataclass
class People:
    municipality_admin: int
    unit_admin: int
    nurse: int


@pytest.fixture
def people(app: Flask) -> People:
    with app.app_context():
        municipality = create_unit("Fjordvik kommune", UnitKind.MUNICIPALITY)
        ward = create_unit("Sjøgløtt sykehjem", UnitKind.UNIT, municipality)
        made = {}
        for key, email, unit, role, phone in (
            ("municipality_admin", "admin@fjordvik.no", municipality, Role.ADMIN, None),
            ("unit_admin", "leder@fjordvik.no", ward, Role.ADMIN, None),
            ("nurse", "sykepleier@fjordvik.no", ward, Role.STAFF, "912 34 567"),
        ):
            person = create_person(key, email=email, phone=phone)
            set_password(person, PASSWORD)
            grant_role(person, unit, role)
            made[key] = person.id
        db.session.commit()
    return People(**made)


class Client(FormClient):
    def sign_in(self, email: str) -> None:
        response = self.sign_in_with(email, PASSWORD)
        assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()
