"""A reminder's due date is worded in the person's language: «frist 8. desember», "due 8 December"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lms.extensions import db
from lms.organisation.models import Person
from lms.reminders import planner
from lms.reminders.items import OpenItem
from lms.reminders.sending import message_for

ITEM = OpenItem(
    item=planner.Item(
        ref="a:1:m:2026-12-08", opens=datetime(2026, 11, 1, tzinfo=UTC), due=date(2026, 12, 8)
    ),
    kind="assignment",
    titles={"nb": "Håndhygiene", "nn": "Handhygiene", "en": "Hand hygiene"},
    minutes=5,
    path="/learn/handhygiene",
)


@pytest.mark.parametrize(("locale", "date_shown"), [("nb", "8. desember"), ("en", "8 December")])
def test_the_due_date_in_a_reminder_speaks_the_persons_language(app, org, locale, date_shown):
    with app.app_context():
        person = db.session.get(Person, org.nurse.id)
        person.locale = locale
        message = message_for(person, ITEM, planner.Stage.WEEK)
    assert date_shown in message.subject


def test_a_nynorsk_reader_gets_the_reminder_in_nynorsk_with_the_modules_nynorsk_title(app, org):
    with app.app_context():
        person = db.session.get(Person, org.nurse.id)
        person.locale = "nn"
        message = message_for(person, ITEM, planner.Stage.DAY)
    assert message.subject == "Handhygiene: frist i morgon"
    assert message.body.startswith("Det tek om lag 5 minutt. Passar det ikkje no,")
