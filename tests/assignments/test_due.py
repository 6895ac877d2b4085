"""What is due reaches the right people, shows on their Mine page with its date, and goes when done."""

from datetime import date, timedelta

from lms.assignments.services import assign_to_person, assign_to_unit, due_for
from lms.core.time import local_today
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Role


def merged(*objects):
    return [db.session.merge(o) for o in objects]


def test_an_assignment_on_a_service_area_reaches_the_units_below(app, org, fixture_module):
    with app.app_context():
        area, nurse, assistant, outsider = merged(org.area, org.nurse, org.assistant, org.outsider)
        assign_to_unit(fixture_module, area, date(2026, 12, 1))
        assert [item.module_id for item in due_for(nurse)] == [fixture_module]
        assert [item.module_id for item in due_for(assistant)] == [fixture_module]
        assert due_for(outsider) == []


def test_an_assignment_for_a_role_reaches_only_that_role(app, org, fixture_module):
    with app.app_context():
        area, nurse, manager = merged(org.area, org.nurse, org.manager)
        assign_to_unit(fixture_module, area, date(2026, 12, 1), role=Role.MANAGER)
        assert due_for(nurse) == []
        assert [item.module_id for item in due_for(manager)] == [fixture_module]


def test_the_earliest_due_date_counts_and_a_completed_module_is_no_longer_due(app, org, fixture_module):
    with app.app_context():
        ward, nurse = merged(org.ward, org.nurse)
        assign_to_unit(fixture_module, ward, date(2026, 12, 20))
        assign_to_person(fixture_module, nurse, date(2026, 12, 5))
        (item,) = due_for(nurse)
        assert item.due_on == date(2026, 12, 5)

        from lms.content.services import current_version
        from lms.db import utcnow

        attempt = Attempt(
            person=nurse, module_id=fixture_module, version=current_version(fixture_module)
        )
        attempt.completed_at, attempt.passed, attempt.outcome = utcnow(), False, "failed"
        db.session.add(attempt)
        db.session.flush()
        assert len(due_for(nurse)) == 1, "a failed attempt leaves the module due"
        attempt.passed, attempt.outcome = True, "passed"
        db.session.flush()
        assert due_for(nurse) == []


def test_mine_shows_the_due_date_and_marks_overdue(app, client, org, fixture_module):
    with app.app_context():
        ward = db.session.merge(org.ward)
        assign_to_unit(fixture_module, ward, local_today() - timedelta(days=3))
        db.session.commit()
    client.sign_in(org.nurse)
    page = client.get("/").get_data(as_text=True)
    assert "Neste steg" in page
    assert "forfalt for 3 dager siden" in page
    assert "Alle korttyper" in page
