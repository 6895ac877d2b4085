"""Browser tests: the app served on 127.0.0.1 from its own database, driven by Debian's Chromium
through Playwright at a phone's viewport.

The live server's data is made once per session through the real services and committed, so the
root conftest's per-test transaction does not apply here (``transaction`` is overridden below);
tests that change data must leave it as they found it or make their own.
"""

from __future__ import annotations

import email
import email.policy
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Error, Page, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from lms import create_app
from lms.content import services as content_services
from lms.extensions import db, limiter
from lms.organisation.models import Person, Unit
from tests.conftest import PASSWORD, _make_org, app_config
from tests.support.databases import scratch_database_url

CHROMIUM = os.environ.get("LMS_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "locale": "nb-NO",
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 10_000
TEST_MODULE = Path(__file__).resolve().parent.parent / "fixtures" / "modules" / "alle-korttyper"
MAIL_SEPARATOR = "\n" + "=" * 72 + "\n"


@pytest.fixture(autouse=True)
def transaction() -> None:
    """Replaces the root conftest's rolled-back transaction: the live server commits for real."""


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    email: str | None
    password: str = PASSWORD


def _detached(value):
    if isinstance(value, Unit):
        return UnitRef(value.id, value.name)
    if isinstance(value, Person):
        return PersonRef(value.id, value.name, value.email)
    return value


class _Deferred:
    """A WSGI app that hands over to the real one, so the server's port is known before the app
    is made with ``BASE_URL`` pointing at it."""

    app: Flask | None = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class LiveServer:
    url: str
    app: Flask
    org: SimpleNamespace
    """The root conftest's organisation, as plain ``UnitRef``/``PersonRef`` values (ids, names,
    e-mail addresses; every person's password is ``PASSWORD``)."""

    @property
    def mail_log(self) -> Path:
        return Path(self.app.config["INSTANCE_PATH"]) / "mail.log"

    def mails(self, to: str | None = None) -> list[EmailMessage]:
        """Messages the app has sent this test (to ``to`` if given), oldest first."""
        if not self.mail_log.exists():
            return []
        text = self.mail_log.read_text(encoding="utf-8")
        messages = [
            email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default)
            for chunk in text.split(MAIL_SEPARATOR)
            if chunk.strip()
        ]
        return [m for m in messages if to is None or m["To"] == to]


@contextmanager
def serving(tmp_dir: Path, name: str, extra_config: dict | None = None) -> Iterator[LiveServer]:
    """Serve a new app with the root conftest's organisation and the test module, on 127.0.0.1,
    from a database of its own called ``name``; ``extra_config`` overrides the test config."""
    dispatcher = _Deferred()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, dispatcher, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    config = app_config(tmp_dir, scratch_database_url(tmp_dir, name))
    config["BASE_URL"] = url
    config.update(extra_config or {})
    app = create_app(config)
    with app.app_context():
        db.create_all()
        made = _make_org()
        content_services.install(TEST_MODULE, "test", publish=True)
        db.session.commit()
        org = SimpleNamespace(**{f.name: _detached(getattr(made, f.name)) for f in fields(made)})
        db.session.remove()
    dispatcher.app = app
    thread = threading.Thread(target=server.serve_forever, name=f"live-server-{name}", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, org=org)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, fast_password_hashing) -> Iterator[LiveServer]:
    with serving(tmp_path_factory.mktemp("browser"), "browser") as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_server_state(live_server: LiveServer) -> None:
    """Each test starts with no rate-limit hits counted and an empty mail log."""
    limiter.reset()
    live_server.mail_log.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Run scripts/ensure-chromium (installs Debian's "
            "chromium package), or set LMS_CHROMIUM to a Chromium executable.",
            pytrace=False,
        )
    try:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Error as error:
        pytest.fail(
            f"Chromium at {CHROMIUM} did not start ({error.message.splitlines()[0]}). "
            "Run scripts/ensure-chromium, or set LMS_CHROMIUM to a working Chromium.",
            pytrace=False,
        )
    yield launched
    launched.close()


@pytest.fixture
def make_context(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., BrowserContext]]:
    """``make_context()`` opens another phone-sized browser context (its own cookies, so its own
    signed-in person), with relative URLs going to the live server. All are closed after the test."""
    made: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(**{**PHONE, "base_url": live_server.url, **options})
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(make_context: Callable[..., BrowserContext]) -> Page:
    return make_context().new_page()
