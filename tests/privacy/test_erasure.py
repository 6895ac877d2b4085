"""Deleting a person: their name, e-mail and phone are nowhere in the database afterwards, and the
unit's completion figures are what they were."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Person
from lms.practice.models import PracticeFollowUp
from lms.reports import services as reports
from tests.conftest import PASSWORD
from tests.privacy.conftest import EMAIL, NAME, PHONE
from xapi.lrs.tables import agent_key, statement_agents

TODAY = date(2026, 11, 23)


def text_columns(metadata: sa.MetaData):
    """Every column of every table that can hold text or JSON, found by reflecting the database."""
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, sa.String | sa.JSON | sa.types.NullType):
                yield table, column


def where_found(needle: str) -> list[str]:
    metadata = sa.MetaData()
    metadata.reflect(bind=db.session.connection())
    found = []
    for table, column in text_columns(metadata):
        text = sa.func.lower(sa.cast(column, sa.Text))
        hit = db.session.scalar(
            sa.select(sa.func.count()).select_from(table).where(text.contains(needle.lower()))
        )
        if hit:
            found.append(f"{table.name}.{column.name}")
    return found


def figures(unit_id: int):
    completion = [
        (c.assignment.id, c.done, c.in_progress, c.not_started, c.overdue)
        for c in reports.completion([unit_id], TODAY)
    ]
    weekly = [
        (w.starts_on, w.completions) for w in reports.weekly_completions([unit_id], TODAY, weeks=60)
    ]
    return completion, weekly


def test_after_deletion_the_person_is_nowhere_and_the_figures_are_unchanged(
    app, org, busy_nurse, make_client
):
    with app.app_context():
        before = {needle: where_found(needle) for needle in (NAME, EMAIL, PHONE)}
        figures_before = figures(org.ward.id)
        uuid = db.session.get(Person, busy_nurse).uuid
    assert {"people.name", "answers.response", "workshop_sessions.notes"} <= set(before[NAME])
    assert "practice_follow_ups.note" in before[NAME]
    assert "xapi_lrs_statement.statement" in before[EMAIL]
    assert "workshop_actions.text" in before[EMAIL]
    assert "reminders.subject" in before[NAME] and "people.phone" in before[PHONE]
    assert figures_before[0][0][1] == 1, "the nurse's completion counts for the ward"

    admin = make_client()
    admin.sign_in(org.admin)
    page = admin.get(f"/admin/people/{busy_nurse}/delete").get_data(as_text=True)
    assert "Sletting kan ikke angres." in page
    response = admin.submit(f"/admin/people/{busy_nurse}/delete")
    assert response.status_code == 302

    with app.app_context():
        assert {needle: where_found(needle) for needle in (NAME, EMAIL, PHONE)} == {
            NAME: [],
            EMAIL: [],
            PHONE: [],
        }
        assert figures(org.ward.id) == figures_before
        erased = db.session.get(Person, busy_nurse)
        assert erased.uuid == uuid, "the xAPI identity stays with the row, never reused"
        assert erased.erased_at is not None and not erased.active
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(PracticeFollowUp.person_id == busy_nurse))
            == 0
        ), "the follow-up answers are erased with the person"
        assert [r.unit_id for r in erased.roles] == [org.ward.id]
        by_mbox = agent_key({"mbox": f"mailto:{EMAIL}"})
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(statement_agents.c.agent_key == by_mbox))
            == 0
        ), "the LRS no longer finds statements by the old e-mail address"

    nurse = make_client()
    assert "Feil e-post eller passord" in nurse.submit(
        "/login", {"email": EMAIL, "password": PASSWORD}
    ).get_data(as_text=True)
