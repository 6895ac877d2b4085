"""A real OpenID provider for the tests: ``oidc-provider-mock`` (Authlib-based, from PyPI) served on
127.0.0.1 in a thread. Its authorize page lets the test choose who signs in (``sub``); the claims of
each subject are set through its ``PUT /users/<sub>``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import oidc_provider_mock
import requests
from werkzeug.serving import make_server

CLIENT_ID = "laerevakt"
CLIENT_SECRET = "hemmelig-klientnokkel"


@dataclass(frozen=True)
class Provider:
    issuer: str

    def set_claims(self, sub: str, **claims) -> None:
        """What the provider says about ``sub`` in its next ID tokens."""
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def authorize(self, authorize_url: str, sub: str | None = None) -> str:
        """Answer the provider's authorize page as ``sub`` (None: press "Deny"), like a person in a
        browser would; returns where the provider sends the browser back to."""
        data = {"sub": sub} if sub is not None else {"action": "deny"}
        answer = requests.post(authorize_url, data=data, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def app_settings(provider: Provider, **overrides) -> dict:
    """Flask config that points the app at ``provider``."""
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_NAME": "Feide",
        "OIDC_SCOPES": "openid profile email",
        "OIDC_SUBJECT_CLAIM": "sub",
        "OIDC_CREATE_PEOPLE": False,
        **overrides,
    }


@contextmanager
def running_provider() -> Iterator[Provider]:
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield Provider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
