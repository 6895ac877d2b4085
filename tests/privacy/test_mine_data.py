"""Mine data: the person sees and downloads everything the platform holds about them."""

from __future__ import annotations

import json

from blinker import ANY

from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Section
from lms.signals import person_erasing, personal_data_requested
from tests.privacy.conftest import EMAIL, FOLLOW_UP_NOTE, NAME, REFLECTION

EVERY_SECTION = {
    "profile",
    "roles",
    "attempts",
    "practice_follow_ups",
    "assignments",
    "introduction",
    "planning",
    "group_runs",
    "group_runs_led",
    "workshop_sign_ups",
    "workshop_attendance",
    "workshop_evaluations",
    "workshop_series_led",
    "workshop_actions",
    "shifts",
    "shift_feeds",
    "reminders",
    "reminder_settings",
    "push_subscriptions",
    "outgoing_mail",
    "competence_evidence",
    "competence_status",
    "credentials",
    "sign_in_links",
    "sign_in_codes",
    "sign_in_sessions",
    "sso_identities",
    "xapi_outbox",
    "xapi_lrs",
    "xapi_lrs_documents",
    "audit",
}


def test_the_export_holds_every_section_with_the_persons_own_data(app, org, busy_nurse, client):
    client.sign_in(org.nurse)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    sections = data["sections"]
    assert set(sections) == EVERY_SECTION
    assert sections["profile"][0]["name"] == NAME and sections["profile"][0]["email"] == EMAIL
    answers = [a["response"] for attempt in sections["attempts"] for a in attempt["answers"]]
    assert REFLECTION in answers, "private reflections are the person's own data"
    [follow_up] = sections["practice_follow_ups"]
    assert (follow_up["choice"], follow_up["note"]) == ("managed", FOLLOW_UP_NOTE)
    assert len(sections["group_runs"]) == 1 and len(sections["workshop_attendance"]) == 1
    assert {e["kind"] for e in sections["competence_evidence"]} >= {"self", "sign_off", "certificate"}
    assert sections["reminders"][0]["subject"] == f"Hei {NAME}"
    assert sections["workshop_actions"][0]["text"] == f"{EMAIL} sender lenken."
    assert set(sections["sign_in_links"][0]) == {"created_at", "expires_at", "used_at"}
    assert [session["method"] for session in sections["sign_in_sessions"]] == ["password"]
    with app.app_context():
        uuid = db.session.get(Person, busy_nurse).uuid
    assert sections["xapi_outbox"] and sections["xapi_lrs"]
    assert all(uuid in json.dumps(s) for s in sections["xapi_outbox"])
    assert any(s["actor"].get("mbox") == f"mailto:{EMAIL}" for s in sections["xapi_lrs"])


def test_the_page_shows_each_section_with_its_records(org, busy_nurse, client):
    client.sign_in(org.nurse)
    page = client.get("/account/data").get_data(as_text=True)
    assert "Mine data" in page
    assert 'Vakter <span class="count">(1)</span>' in page
    assert REFLECTION.replace(",", "").split()[1] in page
    assert "/account/data.json" in page
    assert "/account/data" in client.get("/account").get_data(as_text=True)


def test_a_person_sees_only_their_own_data(org, busy_nurse, client):
    client.sign_in(org.assistant)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["sections"]["profile"][0]["name"] == "Aisha Assistent"
    assert NAME not in json.dumps(data)


def test_a_new_feature_adds_its_section_and_its_erasure_through_the_signals(app, org, make_client):
    def section(_app, person):
        return [Section("badges", "Merker fra kommunen", [{"badge": f"badge-{person.id}"}])]

    erased = []

    def erase(_app, erasure):
        erased.append(erasure.person.id)

    personal_data_requested.connect(section)
    person_erasing.connect(erase)
    try:
        nurse = make_client()
        nurse.sign_in(org.nurse)
        data = json.loads(nurse.get("/account/data.json").get_data(as_text=True))
        assert data["sections"]["badges"] == [{"badge": f"badge-{org.nurse.id}"}]
        assert "Merker fra kommunen" in nurse.get("/account/data").get_data(as_text=True)
        admin = make_client()
        admin.sign_in(org.admin)
        admin.submit(f"/admin/people/{org.nurse.id}/delete")
        assert erased == [org.nurse.id]
    finally:
        personal_data_requested.disconnect(section)
        person_erasing.disconnect(erase)


def test_the_page_answers_whichever_feature_answers_first(org, busy_nurse, client, monkeypatch):
    """A feature's answer may be the request's first read (the signed-in person is read without the
    ORM session, which is made when first used): the organisation's reads the person's roles."""
    client.sign_in(org.nurse)
    receivers = list(personal_data_requested.receivers_for(ANY))
    failed = []
    for first in receivers:
        order = [first, *(r for r in receivers if r is not first)]
        monkeypatch.setattr(personal_data_requested, "receivers_for", lambda _sender, o=order: iter(o))
        page = client.get("/account/data")
        if page.status_code != 200 or "Roller" not in page.get_data(as_text=True):
            failed.append(f"{first.__module__}: {page.status_code}")
    assert len(receivers) > 15 and not failed
