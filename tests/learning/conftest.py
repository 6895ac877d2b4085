"""What the tests of the requests answered ahead of Flask share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask


@pytest.fixture
def flask_answered(app: Flask, monkeypatch) -> Callable[[type], list[str]]:
    """For the middleware of a class in front of Flask: the paths Flask answered behind it (a
    request missing from the list was answered ahead of Flask)."""

    def watch(middleware_class: type) -> list[str]:
        middleware = app.wsgi_app
        while not isinstance(middleware, middleware_class):
            middleware = middleware.wsgi_app
        answered: list[str] = []
        inner = middleware.wsgi_app

        def counted(environ, start_response):
            answered.append(environ["PATH_INFO"])
            return inner(environ, start_response)

        monkeypatch.setattr(middleware, "wsgi_app", counted)
        return answered

    return watch
