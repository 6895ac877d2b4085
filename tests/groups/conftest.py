"""Group-run fixtures: a facilitator's client, people in the facilitator's unit, a run to join."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest

from lms.extensions import db
from lms.groups import live
from lms.groups.models import GroupParticipant, GroupRun
from lms.organisation.models import Role
from tests.conftest import add_person

MODULE = "alle-korttyper"
CARDS = 10
QUESTION = 2  # "enkelt", single choice: b is right
REFLECTION = 6  # "tanker"
POLL = 7  # "mening"


@dataclass
class Run:
    id: int
    code: str
    facilitator: object
    """The facilitator's signed-in client."""


def start_run(client, module_id: str = MODULE, unit_id: int | str = "adhoc") -> int:
    response = client.submit("/groups/runs", {"module_id": module_id, "unit_id": str(unit_id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/groups/runs/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def join(client, code: str) -> int:
    """Join by typing the code; returns the participant id."""
    response = client.submit("/join", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/groups/me/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def move(client, run_id: int, index: int):
    return client.submit(f"/groups/runs/{run_id}/move", {"to": str(index)})


def answer(client, participant_id: int, card_id: str, fields: dict):
    return client.submit(f"/groups/me/{participant_id}/answer", {"card_id": card_id, **fields})


def poll_url(client, participant_id: int) -> str:
    """The address the phone's page tells ``group.js`` to poll."""
    page = client.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    return unescape(re.search(r'data-state-url="([^"]+)"', page).group(1))


@pytest.fixture
def clock(app, monkeypatch):
    """A fresh process's run states with a frozen clock; ``clock.move(seconds)`` moves it on."""

    class Clock:
        now = 1000.0

        def move(self, seconds: float) -> None:
            self.now += seconds

    frozen = Clock()
    fresh = live.RunStates(app.extensions[live.EXTENSION].serializer, clock=lambda: frozen.now)
    monkeypatch.setitem(app.extensions, live.EXTENSION, fresh)
    return frozen


def run_record(app, run_id: int) -> GroupRun:
    with app.app_context():
        run = db.session.get(GroupRun, run_id)
        db.session.expunge(run)
        return run


def participant_record(app, participant_id: int) -> GroupParticipant:
    with app.app_context():
        return db.session.get(GroupParticipant, participant_id)


@pytest.fixture
def staff(app, org):
    """Eight more staff in the facilitator's zone."""
    with app.app_context():
        zone = db.session.merge(org.zone)
        people = [
            add_person(f"Deltaker {n}", f"deltaker{n}@testvik.no", zone, Role.STAFF) for n in range(8)
        ]
        db.session.commit()
        return people


@pytest.fixture
def run(client, org, fixture_module) -> Run:
    client.sign_in(org.facilitator)
    run_id = start_run(client, fixture_module, org.zone.id)
    return Run(id=run_id, code=run_record(client.application, run_id).code, facilitator=client)


@pytest.fixture
def phone(make_client):
    """``phone(person)``: a signed-in client of its own for ``person``."""

    def make(person):
        made = make_client()
        made.sign_in(person)
        return made

    return make
