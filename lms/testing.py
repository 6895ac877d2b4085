"""What tests of Lærevakt and of its plugins share: the settings of an app under test, and a test
client that posts forms the way a browser does, with the page's CSRF token. Part of the public
interface a plugin's tests use (``docs/plugins.md``)."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

CSRF_INPUT = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def app_config(instance_path: Path, database_url: str) -> dict:
    """Settings for ``create_app`` in a test: no scheduler, no mail server, in-memory rate limits."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": instance_path,
        "SECRET_KEY": "test-secret-key",
        "BASE_URL": "http://localhost",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SCHEDULER_ENABLED": False,
        "SMTP_HOST": None,
        "LOG_LEVEL": "WARNING",
    }


class FormClient(FlaskClient):
    """``app.test_client_class = FormClient``; then ``submit`` posts with a fresh CSRF token."""

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        return CSRF_INPUT.search(page).group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)

    def sign_in_with(self, email: str, password: str):
        """Sign in with a password, as the sign-in page does."""
        return self.submit("/login", {"email": email, "password": password})
