"""What the tests of the player share: the module they take, the requests answered ahead of Flask,
and another request writing in the middle of one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from lms.core.driver import DriverWork, OnSession
from lms.extensions import db


@pytest.fixture
def module(fixture_module: str) -> str:
    """The module the player's tests take: the test package with every card type, installed and
    published (``fixture_module``); its id."""
    return fixture_module


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


@pytest.fixture
def meanwhile(app: Flask, monkeypatch) -> Callable[[Any], None]:
    """Let another request write a statement (and commit) after an answer was read and before it
    is written (``Statements.begin_writing``, as the answer's insert begins, in Flask or ahead):
    an attempt completed, or the card answered, on another tab or phone in between. The tests' requests
    share one connection, so a rollback of the answering request takes that write with it."""

    def write_before_the_answer(statement) -> None:
        originals = {kind: kind.begin_writing for kind in (OnSession, DriverWork)}

        def write_then_begin(self):
            with app.app_context():
                db.session.execute(statement)
                db.session.commit()
            for kind, begin_writing in originals.items():
                monkeypatch.setattr(kind, "begin_writing", begin_writing)
            self.begin_writing()

        for kind in originals:
            monkeypatch.setattr(kind, "begin_writing", write_then_begin)

    return write_before_the_answer
