"""On a phone: the "Hvordan gikk det?" reminder in the in-app list, its page (a missing choice, then
an answer with a private note), each state passing axe at 390 px; and the module page's anonymous
counts for the municipality's admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from lms.content.services import current_version
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.organisation.models import Person
from lms.reminders import sending
from lms.reminders import services as reminders
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in, sign_out
from tests.browser.test_player import new_staff_member

pytestmark = pytest.mark.browser

MODULE_ID = "alle-korttyper"
HARD = "Jeg prøvde, men det var vanskelig"


def committed_and_reminded(live_server) -> str:
    """A new staff member committed to the practice card three days ago; the reminder job has sent
    the follow-up at its planned time. Their e-mail address."""
    email = new_staff_member(live_server, "Petra Praksis")
    with live_server.app.test_request_context():
        person = db.session.scalar(sa.select(Person).where(Person.email == email))
        attempt = learning.start_or_resume(person, current_version(MODULE_ID))
        card = learning.module_of(attempt).card("prov")
        learning.submit_answer(attempt, card, True, answered_at=utcnow() - timedelta(days=3))
        db.session.commit()
        [(planned, _item)] = reminders.upcoming(person)
        sent = sending.tick(planned.send_at, [person]).sent
        # Beside it, on a Monday morning, the managers' weekly digests other tests made due.
        assert [key for key in sent if not key.startswith("digest:")] == [planned.key]
        db.session.commit()
        db.session.remove()
    return email


def test_the_follow_up_on_a_phone(live_server, page: Page):
    email = committed_and_reminded(live_server)
    sign_in(page, email)
    page.goto("/reminders/")
    link = page.get_by_role("link", name=re.compile("^Hvordan gikk det\\? «Lås skjermen"))
    expect(link).to_be_visible()
    assert_accessible(page)
    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hvordan gikk det?")
    assert_accessible(page)
    page.get_by_label("Notat (valgfritt)").fill("Travel vakt, men jeg husket det.")
    page.get_by_role("button", name="Lagre svaret").click()
    expect(page.get_by_role("alert")).to_have_text("Velg ett av svarene.")
    expect(page.get_by_label("Notat (valgfritt)")).to_have_value("Travel vakt, men jeg husket det.")
    assert_accessible(page)

    page.get_by_label(HARD).check()
    page.get_by_role("button", name="Lagre svaret").click()
    expect(page.get_by_role("status")).to_contain_text("Takk for svaret!")
    expect(page.get_by_text(HARD)).to_be_visible()
    expect(page.get_by_text("Travel vakt, men jeg husket det.")).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    sign_in(page, live_server.org.admin.email)
    page.goto(f"/learn/{MODULE_ID}")
    expect(page.get_by_role("heading", name="Prøvd på vakt")).to_be_visible()
    expect(page.get_by_text("Travel vakt")).to_have_count(0)
    assert_accessible(page)
