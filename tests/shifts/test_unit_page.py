"""A unit's shift page links to the unit's reminder policy only for those who may set it."""

from __future__ import annotations

POLICY_LINK = "Læringsvinduer og påminnelser for enheten"


def test_a_manager_is_led_to_the_reminder_policy(client, org):
    client.sign_in(org.manager)
    page = client.get(f"/shifts/units/{org.ward.id}")
    assert page.status_code == 200
    assert POLICY_LINK in page.get_data(as_text=True)
    assert client.get(f"/reminders/units/{org.ward.id}/policy").status_code == 200


def test_a_facilitator_sees_the_shift_page_without_a_link_to_a_page_they_may_not_open(client, org):
    client.sign_in(org.facilitator)
    page = client.get(f"/shifts/units/{org.zone.id}")
    assert page.status_code == 200
    assert POLICY_LINK not in page.get_data(as_text=True)
    assert client.get(f"/reminders/units/{org.zone.id}/policy").status_code == 403


def test_removing_a_units_calendar_again_leads_back_and_changes_nothing(app, make_client, org):
    import sqlalchemy as sa

    from lms.audit.models import AuditEntry
    from lms.extensions import db
    from lms.shifts.models import ShiftFeed

    with app.app_context():
        feed = ShiftFeed(url="https://vakter.example/ward.ics", unit_id=org.ward.id)
        kept = ShiftFeed(url="https://vakter.example/zone.ics", unit_id=org.zone.id)
        db.session.add_all([feed, kept])
        db.session.commit()
        feed_id, kept_id = feed.id, kept.id
    manager = make_client()
    manager.sign_in(org.manager)
    url = f"/shifts/units/{org.ward.id}/feeds/{feed_id}/delete"
    assert manager.submit(url).status_code == 302
    again = manager.submit(url)
    assert (again.status_code, again.location) == (303, f"/shifts/units/{org.ward.id}")
    page = manager.get(again.location).get_data(as_text=True)
    assert "Kalenderen er allerede fjernet." in page
    assert manager.submit(f"/shifts/units/{org.ward.id}/feeds/999999/delete").status_code == 404
    with app.app_context():
        assert db.session.scalars(sa.select(ShiftFeed.id)).all() == [kept_id]
        removals = sa.select(AuditEntry).filter_by(action="shifts.feed_remove")
        assert [entry.details for entry in db.session.scalars(removals)] == [{"unit_id": org.ward.id}]

    zone = make_client()
    zone.sign_in(org.facilitator)
    assert zone.submit(url).status_code == 403
    through_own_unit = f"/shifts/units/{org.zone.id}/feeds/{feed_id}/delete"
    assert zone.submit(through_own_unit).status_code == 404, "as if it never existed"
    assert "allerede fjernet" not in zone.get("/").get_data(as_text=True)
    nurse = make_client()
    nurse.sign_in(org.nurse)
    assert nurse.submit(url).status_code == 403
