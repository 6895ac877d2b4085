"""The statements of introduction programmes (docs/xapi-profile.md, *Introduction programmes*):
``registered`` when a newcomer is given a programme, ``completed`` on a practical item when a
mentor or manager signs it off (with the signer as ``context.instructor``). They ride the outbox in
the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from lms.extensions import db
from lms.introduction.models import Enrolment, ProgrammeItem
from lms.organisation.models import Person
from lms.tracking.profile import ACTIVITY_TYPES, PLATFORM, Profile
from xapi.outbox import record


def _profile() -> Profile:
    return Profile(current_app.config["BASE_URL"])


def programme_activity(enrolment: Enrolment) -> dict:
    programme = enrolment.programme
    return {
        "objectType": "Activity",
        "id": _profile().activity_id("introduction", str(programme.id)),
        "definition": {"type": ACTIVITY_TYPES["course"], "name": {"nb-NO": programme.title}},
    }


def _context(enrolment: Enrolment) -> dict:
    return {"registration": enrolment.programme.uuid, "platform": PLATFORM, "language": "nb-NO"}


def programme_assigned(enrolment: Enrolment, at: datetime) -> None:
    statement = _profile().statement(
        enrolment.person.uuid,
        "registered",
        programme_activity(enrolment),
        at=at,
        context=_context(enrolment),
    )
    record(db.session, statement)


def sign_off_given(enrolment: Enrolment, item: ProgrammeItem, by: Person, at: datetime) -> None:
    profile = _profile()
    activity = {
        "objectType": "Activity",
        "id": profile.activity_id("introduction", str(item.programme_id), "item", str(item.id)),
        "definition": {"type": ACTIVITY_TYPES["performance"], "name": {"nb-NO": item.title}},
    }
    context = _context(enrolment) | {
        "instructor": profile.actor(by.uuid),
        "contextActivities": {"parent": [programme_activity(enrolment)]},
    }
    statement = profile.statement(
        enrolment.person.uuid,
        "completed",
        activity,
        at=at,
        context=context,
        result={"completion": True},
    )
    record(db.session, statement)
