"""What tests of Lærevakt and of its plugins share: a test client that posts forms the way a
browser does, with the page's CSRF token. Part of the public interface a plugin's tests use
(``docs/plugins.md``)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

CSRF_INPUT = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


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
