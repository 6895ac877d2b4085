"""Helpers for the built-in LRS: a key to authenticate with, statements to send, a client that
speaks xAPI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from flask import Flask

from lms.extensions import db
from xapi.lrs import credentials

VERSION = {"X-Experience-API-Version": "1.0.3"}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def statement(
    learner: str = "nils",
    activity: str = "http://localhost/xapi/activities/module/a",
    verb: str = COMPLETED,
    **extra,
) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": learner, "mbox": f"mailto:{learner}@example.com"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        **extra,
    }


@dataclass
class Key:
    name: str
    key: str
    secret: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key, self.secret)


def make_key(app: Flask, name: str, scopes: tuple[str, ...]) -> Key:
    with app.app_context():
        key, secret = credentials.create_key(db.session, name, scopes)
        db.session.commit()
    return Key(name, key, secret)


@pytest.fixture
def lrs_key(app: Flask) -> Key:
    """A key that may do everything (``all``), as the conformance suite's is."""
    return make_key(app, "Rapportverktøy", (credentials.ALL,))


class XapiClient:
    """Requests to /xapi with the version header and the key's Basic credentials."""

    def __init__(self, client, key: Key, version: str = "1.0.3"):
        self.client = client
        self.key = key
        self.headers = {"X-Experience-API-Version": version}

    def post(self, body, **params):
        return self.client.post(
            "/xapi/statements", json=body, query_string=params, headers=self.headers, auth=self.key.auth
        )

    def put(self, body, **params):
        return self.client.put(
            "/xapi/statements", json=body, query_string=params, headers=self.headers, auth=self.key.auth
        )

    def get(self, url: str = "/xapi/statements", **params):
        return self.client.get(url, query_string=params, headers=self.headers, auth=self.key.auth)

    def head(self, **params):
        return self.client.head(
            "/xapi/statements", query_string=params, headers=self.headers, auth=self.key.auth
        )


@pytest.fixture
def xapi(client, lrs_key) -> XapiClient:
    return XapiClient(client, lrs_key)
