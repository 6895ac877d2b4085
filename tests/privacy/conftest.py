"""A nurse who has used every feature that stores something about a person."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from lms.accounts.services import create_sign_in_link
from lms.assignments.models import Assignment
from lms.audit.services import record
from lms.competence import services as competence
from lms.content.services import current_version
from lms.extensions import db
from lms.groups import services as groups
from lms.practice import services as practice
from lms.practice.models import PracticeFollowUp
from lms.reminders.models import PushSubscription, Reminder, ReminderPreference
from lms.shifts import services as shifts
from lms.tracking.services import LocalLRS
from lms.workshops import actions, attendance, evaluations, participants, planning
from tests.tracking.test_learning_statements import RIGHT, outbox_statements, take_module
from xapi.lrs.store import store_statements

NAME, EMAIL, PHONE = "Nils Sykepleier", "nils@testvik.no", "+47 912 34 567"
REFLECTION = f"Jeg, {NAME}, glemte å låse skjermen. Ring meg på {PHONE}."
FOLLOW_UP_NOTE = f"{NAME} låste skjermen tre ganger."
SESSION_AT = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def _learning(org, module_id):
    nurse = db.session.merge(org.nurse)
    manager = db.session.merge(org.manager)
    db.session.add(Assignment(module_id=module_id, unit_id=org.ward.id, due_on=date(2026, 12, 1)))
    take_module(nurse, module_id, {**RIGHT, "tanker": {"text": REFLECTION}})
    [follow_up] = practice.open_follow_ups([nurse.id], datetime(2000, 1, 1, tzinfo=UTC))
    practice.answer(db.session.get(PracticeFollowUp, follow_up.id), "managed", FOLLOW_UP_NOTE)
    run = groups.start_run(db.session.merge(org.facilitator), current_version(module_id), None)
    groups.join(run, nurse)
    groups.close(run)
    record(manager, "assignment.create", "module", module_id, {"unit_id": org.ward.id})


def _workshop(org):
    nurse, facilitator = db.session.merge(org.nurse), db.session.merge(org.facilitator)
    series = planning.create_series(
        db.session.merge(org.ward),
        facilitator,
        planning.SeriesFields(
            title="Refleksjonsgruppe",
            description=f"Med {NAME}.",
            agenda=planning.parse_agenda("10 min Innledning"),
            questions=[f"Hva lærte {NAME}?"],
            place="Møterommet",
            capacity=7,
        ),
    )
    session = planning.add_session(series, SESSION_AT, SESSION_AT + timedelta(hours=1))
    participants.invite(series, [nurse], facilitator)
    attendance.set_attendance(session, [nurse.id], facilitator, now=SESSION_AT)
    evaluations.submit_evaluation(session, nurse, 4, f"{NAME} lærte mye", f"Ring {PHONE}")
    planning.save_notes(session, f"{NAME} delte en case.")
    actions.add_action(session, f"{EMAIL} sender lenken.", nurse.id, date(2026, 9, 15))


def _everyday(org):
    nurse = db.session.merge(org.nurse)
    shifts.add_shift(nurse, date(2026, 9, 2), time(7), time(15), "D1")
    shifts.add_feed(f"https://vakt.example.no/{EMAIL}.ics", person=nurse)
    now = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)
    db.session.add_all(
        [
            Reminder(
                key=f"test:{nurse.id}",
                person_id=nurse.id,
                kind="assignment",
                stage="first",
                subject=f"Hei {NAME}",
                body=f"Til {EMAIL}",
                url="/",
                claimed_at=now,
                sent_at=now,
            ),
            ReminderPreference(person_id=nurse.id, email=True, push=True),
            PushSubscription(
                person_id=nurse.id, endpoint="https://push.example/abc", p256dh="k" * 20, auth="a" * 10
            ),
        ]
    )
    create_sign_in_link(nurse, timedelta(minutes=15))


def _competence(org):
    nurse, manager = db.session.merge(org.nurse), db.session.merge(org.manager)
    competence.load_shipped()
    found = competence.competence_choices()[0]
    competence.self_assess(nurse, found, 1)
    competence.sign_off(manager, nurse, found, 2, note=f"{NAME} viste god praksis.")
    competence.register_certificate(
        nurse,
        found,
        2,
        name=f"Kurs for {NAME}",
        achieved_on=date(2026, 5, 1),
        valid_until=None,
        by=manager,
    )


def _lrs(app):
    """Deliver the outbox to the built-in LRS, and store one statement from another tool that names
    the nurse by e-mail and name (as some xAPI tools do)."""
    LocalLRS(db.session, app.config["BASE_URL"]).post_statements(outbox_statements())
    foreign = {
        "id": "3f0b1b7e-4f53-4e3a-9a59-6c1ad0c2b1f1",
        "actor": {"objectType": "Agent", "mbox": f"mailto:{EMAIL}", "name": NAME},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://kurs.example.no/brannvern"},
    }
    store_statements(db.session, [foreign], authority={"mbox": "mailto:lrs@example.no"}, now=SESSION_AT)


@pytest.fixture
def busy_nurse(app, org, fixture_module) -> int:
    """The nurse's id, after they have used everything."""
    with app.test_request_context():
        _learning(org, fixture_module)
        _workshop(org)
        _everyday(org)
        _competence(org)
        _lrs(app)
        db.session.merge(org.nurse).phone = PHONE  # after the merges above, which copy org's state
        db.session.commit()
    return org.nurse.id
