"""Workshop times, check-in messages, invitations and the default agenda in the reader's language:
Bokmål says «tirsdag 1. september kl. 14:00», English "Tuesday 1 September at 14:00"."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from flask_babel import force_locale

from lms.extensions import db
from lms.workshops import attendance, planning
from tests.conftest import read_mail
from tests.workshops.conftest import BASE, make_series

# The group's first session: Tuesday 1 September 2026, 14:00-15:00 in Oslo (12:00 UTC).


def _in_english(client) -> None:
    client.submit("/language", {"language": "en", "next": "/"})


def _mail_bodies(app) -> list[str]:
    bodies = []
    for chunk in read_mail(app).split("=" * 72):
        if chunk.strip():
            message = email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default)
            bodies.append(message.get_body(preferencelist=("plain",)).get_content())
    return bodies


@pytest.mark.parametrize(
    ("english", "shown"),
    [(False, "tirsdag 1. september kl. 14:00"), (True, "Tuesday 1 September at 14:00")],
)
def test_the_series_page_says_when_in_the_readers_language(org, client, group, english, shown):
    client.sign_in(org.assistant)
    if english:
        _in_english(client)
    page = client.get(f"/workshops/series/{group.series_id}").get_data(as_text=True)
    assert f"{shown}</time>–15:00" in page


@pytest.mark.parametrize(
    ("locale", "too_early", "too_late"),
    [
        ("nb", "Den åpner 1. september kl. 13:30.", "(den sluttet 1. september kl. 15:00)"),
        ("en", "It opens at 13:30 on 1 September.", "(it ended at 15:00 on 1 September)"),
    ],
)
def test_check_in_times_are_worded_in_the_readers_language(app, group, locale, too_early, too_late):
    with app.test_request_context(), force_locale(locale):
        session = group.session(0)
        assert too_early in attendance.check_in_problem(session, BASE - timedelta(hours=1))
        assert too_late in attendance.check_in_problem(session, BASE + timedelta(hours=2))


@pytest.mark.parametrize(
    ("chosen", "line"),
    [
        (None, "- tirsdag 1. september 2026 kl. 14:00–15:00, Møterommet"),
        ("en", "- Tuesday 1 September 2026 at 14:00–15:00, Møterommet"),
        ("nn", "- tysdag 1. september 2026 kl. 14:00–15:00, Møterommet"),
    ],
)
@pytest.mark.parametrize("planner", ["nb", "en", "nn"])
def test_the_invitation_is_in_the_recipients_language_whoever_plans(app, org, planner, chosen, line):
    org.assistant.locale = chosen  # make_series merges this person into the session
    with app.test_request_context(), force_locale(planner):
        make_series(org, starts=[BASE], extra_staff=0)
    (body,) = _mail_bodies(app)
    assert line in body


def test_a_cancellation_is_in_each_recipients_language(app, org, group):
    with app.app_context():
        db.session.merge(org.assistant).locale = "en"
        db.session.commit()
    (app.config["INSTANCE_PATH"] / "mail.log").write_text("", encoding="utf-8")
    with app.test_request_context(), force_locale("en"):
        planning.cancel_session(group.session(1), now=BASE)
        db.session.commit()
    bodies = _mail_bodies(app)
    (english,) = [b for b in bodies if "Aisha" in b]
    assert english.startswith("Hi Aisha")
    assert "Tuesday 15 September 2026 at 14:00–15:00" in english
    others = [b for b in bodies if b != english]
    assert len(others) == 5
    assert all("Samlingen er avlyst:" in b and "tirsdag 15. september 2026" in b for b in others)


def test_a_new_series_starts_from_an_agenda_in_the_planners_language(org, client):
    client.sign_in(org.facilitator)
    url = f"/workshops/units/{org.zone.id}/series/new"
    assert "10 min Innledning og runde rundt bordet\n" in client.get(url).get_data(as_text=True)
    _in_english(client)
    page = client.get(url).get_data(as_text=True)
    assert "10 min Introduction and a round of the table\n" in page
    assert "10 min What do we take with us? Agree on actions</textarea>" in page
    assert "Innledning" not in page


def test_module_titles_are_in_the_readers_language(app, org, client, group, fixture_module):
    with app.test_request_context():
        series = group.series()
        fields = planning.SeriesFields(title=series.title, module_ids=[fixture_module])
        planning.update_series(series, fields)
        db.session.commit()
    client.sign_in(org.facilitator)
    manage = f"/workshops/units/{group.unit_id}/series/{group.series_id}"
    edit = f"{manage}/edit"
    assert "Alle korttyper</a>" in client.get(manage).get_data(as_text=True)
    assert "Alle korttyper</label>" in client.get(edit).get_data(as_text=True)
    _in_english(client)
    page = client.get(manage).get_data(as_text=True)
    assert "Every card type</a>" in page and "Alle korttyper" not in page
    form = client.get(edit).get_data(as_text=True)
    assert "Every card type</label>" in form and "Alle korttyper" not in form
