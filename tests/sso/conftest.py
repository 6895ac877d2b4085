from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.oidc_provider import Provider, app_settings, running_provider


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def sso(app, provider, monkeypatch) -> Provider:
    """The app signs in through ``provider`` for this test (creation of people off)."""
    for name, value in app_settings(provider).items():
        monkeypatch.setitem(app.config, name, value)
    return provider
