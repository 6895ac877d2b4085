"""Two issuers taking status-list indexes at once (two app contexts, each with its own session and
connection, committing for real): the second waits for the first's transaction and gets the indexes
after it, so no index is handed out twice, also when both are the municipality's first. On
PostgreSQL the counter's UPDATE (and making the counter) locks its row; on SQLite the writers queue
for the write lock."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lms.credentials import statuslist
from lms.extensions import db
from lms.organisation.models import Unit, UnitKind
from lms.organisation.services import create_unit


@pytest.fixture(autouse=True)
def transaction() -> None:
    """Replaces the root conftest's rolled-back transaction: the issuers commit for real."""


def test_two_issuers_at_once_never_share_an_index(app):
    with app.app_context():
        unit_id = create_unit("Samtidig kommune", UnitKind.MUNICIPALITY).id
        db.session.commit()
    first_holds, first_may_commit = threading.Event(), threading.Event()
    taken: dict[str, range] = {}

    def first() -> None:
        with app.app_context():
            taken["first"] = statuslist.allocate_indexes(unit_id, 5)
            first_holds.set()
            first_may_commit.wait(timeout=30)
            db.session.commit()

    def second() -> None:
        with app.app_context():
            taken["second"] = statuslist.allocate_indexes(unit_id, 5)
            db.session.commit()

    try:
        one = threading.Thread(target=first)
        one.start()
        assert first_holds.wait(timeout=30)
        two = threading.Thread(target=second)
        two.start()
        two.join(timeout=0.5)
        assert "second" not in taken, "the second issuer waits for the first's transaction"
        first_may_commit.set()
        one.join(timeout=30)
        two.join(timeout=30)
        assert taken == {"first": range(0, 5), "second": range(5, 10)}
    finally:
        first_may_commit.set()
        with app.app_context():
            db.session.execute(sa.delete(Unit).where(Unit.id == unit_id))
            db.session.commit()
