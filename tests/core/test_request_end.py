"""The end of a request (``lms.core.setup``): whatever a successful request wrote is committed,
also a GET's, whether the ORM flushed it, it was still pending in the session or a statement of
the request's own wrote it; a request that wrote nothing ends without a commit (on SQLite)."""

from __future__ import annotations

import sqlalchemy as sa

from lms.core.transactions import begin_writing, wrote_nothing
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment


def job_title(app, person_id: int) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(Person.job_title).where(Person.id == person_id))


def end(app, status: int = 200) -> None:
    """What Flask does after the view: the after-request functions, then (leaving the request
    context) the session removed."""
    app.process_response(app.response_class("", status=status))


def test_a_get_that_writes_with_a_statement_of_its_own_keeps_what_it_wrote(app, org):
    with app.test_request_context("/", method="GET"):
        db.session.execute(sa.select(Person.id)).all()
        db.session.execute(sa.update(Person).where(Person.id == org.nurse.id).values(job_title="kokk"))
        end(app)
    assert job_title(app, org.nurse.id) == "kokk"


def test_a_get_whose_change_is_still_pending_in_the_session_keeps_it(app, org):
    with app.test_request_context("/", method="GET"):
        db.session.get(Person, org.nurse.id).job_title = "helsefagarbeider"
        end(app)
    assert job_title(app, org.nurse.id) == "helsefagarbeider"


def test_a_get_that_flushed_a_new_row_keeps_it(app, org):
    with app.test_request_context("/", method="GET"):
        db.session.add(RoleAssignment(person_id=org.nurse.id, unit_id=org.zone.id, role=Role.STAFF))
        db.session.flush()
        end(app)
    with app.app_context():
        units = db.session.scalars(
            sa.select(RoleAssignment.unit_id).where(RoleAssignment.person_id == org.nurse.id)
        )
        assert org.zone.id in set(units)


def test_a_get_that_began_writing_keeps_what_it_wrote(app, org):
    with app.test_request_context("/", method="GET"):
        db.session.execute(sa.select(Person.id)).all()
        begin_writing()
        db.session.execute(
            sa.update(Person).where(Person.id == org.nurse.id).values(job_title="vernepleier")
        )
        end(app)
    assert job_title(app, org.nurse.id) == "vernepleier"


def test_a_failed_request_keeps_nothing(app, org):
    with app.test_request_context("/", method="POST"):
        db.session.get(Person, org.nurse.id).job_title = "renholder"
        db.session.flush()
        end(app, 422)
    assert job_title(app, org.nurse.id) != "renholder"


def test_only_a_transaction_that_wrote_nothing_is_known_to_have_nothing_to_commit(app, org):
    with app.test_request_context("/", method="GET"):
        on_sqlite = db.session.connection().dialect.name == "sqlite"
        db.session.execute(sa.select(Person.name)).all()
        assert wrote_nothing(db.session()) is on_sqlite
        db.session.execute(sa.update(Person).where(Person.id == -1).values(phone=None))
        assert wrote_nothing(db.session()) is on_sqlite  # the statement changed no row
        db.session.execute(
            sa.update(Person).where(Person.id == org.nurse.id).values(phone="+4799999999")
        )
        assert not wrote_nothing(db.session())
