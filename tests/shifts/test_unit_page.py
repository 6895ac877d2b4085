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
