"""Starting a run, joining by code or QR link, wrong and expired codes, and who may tick people in."""

from __future__ import annotations

from datetime import timedelta

from lms.db import utcnow
from lms.extensions import db
from lms.groups.models import GroupParticipant, GroupRun
from lms.groups.qr import CODE_ALPHABET, CODE_LENGTH
from tests.groups.conftest import QUESTION, join, move, participant_record, start_run


def test_a_facilitator_starts_a_run_and_the_screen_shows_the_code_and_a_qr_code(run, app):
    page = run.facilitator.get(f"/groups/runs/{run.id}").get_data(as_text=True)
    assert len(run.code) == CODE_LENGTH and set(run.code) <= set(CODE_ALPHABET)
    assert run.code in page
    assert 'src="data:image/svg+xml' in page
    assert f"QR-kode som åpner gruppeøkten med koden {run.code}" in page
    assert "Kort 1 av 10" in page


def test_staff_cannot_start_or_lead_runs(client, org, fixture_module, run, phone):
    aisha = phone(org.assistant)
    assert aisha.get("/groups").status_code == 403
    response = aisha.submit("/groups/runs", {"module_id": fixture_module, "unit_id": "adhoc"})
    assert response.status_code == 403
    assert aisha.get(f"/groups/runs/{run.id}").status_code == 403
    assert move(aisha, run.id, 3).status_code == 403
    assert aisha.submit(f"/groups/runs/{run.id}/close").status_code == 403


def test_a_facilitator_cannot_start_a_run_for_a_unit_that_is_not_theirs(client, org, fixture_module):
    client.sign_in(org.facilitator)
    response = client.submit("/groups/runs", {"module_id": fixture_module, "unit_id": str(org.ward.id)})
    assert response.status_code == 403


def test_joining_by_code_puts_the_person_in_the_run_on_the_current_card(run, org, phone, app):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code.lower())
    page = aisha.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    assert "Kort 1 av 10" in page and "Forlat økten" in page
    participant = participant_record(app, participant_id)
    assert participant.present and participant.with_phone and participant.ticked_in_by_id is None


def test_the_qr_link_asks_a_stranger_to_sign_in_and_then_to_press_join(run, org, make_client):
    stranger = make_client()
    response = stranger.get(f"/join/{run.code}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    stranger.sign_in(org.assistant)
    page = stranger.get(f"/join/{run.code}").get_data(as_text=True)
    assert "Bli med i «Alle korttyper»" in page and "Frida Veileder" in page
    response = stranger.submit(f"/join/{run.code}")
    assert response.status_code == 302 and "/groups/me/" in response.headers["Location"]
    assert stranger.get(f"/join/{run.code}").status_code == 302  # already in: straight to the card


def test_a_late_joiner_sees_the_card_the_group_is_on(run, org, phone):
    move(run.facilitator, run.id, QUESTION)
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    page = aisha.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    assert "Kort 3 av 10" in page
    assert "Hva gjør du når du går fra en delt PC?" in page
    assert 'name="response"' in page


def test_a_wrong_code_gets_a_clear_message(run, org, phone):
    aisha = phone(org.assistant)
    wrong = "".join(reversed(run.code)) if run.code != run.code[::-1] else "KKKKKK"
    response = aisha.submit("/join", {"code": wrong})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f"Fant ingen gruppeøkt med koden {wrong}" in page
    assert 'aria-invalid="true"' in page
    assert aisha.get("/join/ABC").status_code == 404


def test_an_expired_or_closed_code_gets_a_clear_message(run, org, phone, app, fixture_module):
    with app.app_context():
        db.session.get(GroupRun, run.id).code_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    aisha = phone(org.assistant)
    response = aisha.submit("/join", {"code": run.code})
    assert response.status_code == 410
    assert f"Koden {run.code} er utløpt" in response.get_data(as_text=True)

    second = start_run(run.facilitator, fixture_module)
    with app.app_context():
        code = db.session.get(GroupRun, second).code
    run.facilitator.submit(f"/groups/runs/{second}/close")
    response = aisha.get(f"/join/{code}")
    assert response.status_code == 410
    assert "utløpt" in response.get_data(as_text=True)


def test_wrong_codes_are_rate_limited_per_person(run, org, phone):
    aisha = phone(org.assistant)
    for _ in range(5):
        assert aisha.submit("/join", {"code": "XXXXXX"}).status_code == 404
    response = aisha.submit("/join", {"code": run.code})
    assert response.status_code == 429
    assert "For mange forsøk" in response.get_data(as_text=True)
    other = phone(org.facilitator)  # another person is not held back
    assert other.submit("/join", {"code": run.code}).status_code == 302


def test_right_codes_do_not_count_toward_the_limit(run, org, phone):
    aisha = phone(org.assistant)
    for _ in range(7):
        assert aisha.submit("/join", {"code": run.code}).status_code == 302


def test_the_facilitator_ticks_in_someone_without_a_phone(run, org, staff, app):
    page = run.facilitator.get(f"/groups/runs/{run.id}/people").get_data(as_text=True)
    assert "Kryss inn Deltaker 0" in page and "Nils Sykepleier" not in page
    response = run.facilitator.submit(f"/groups/runs/{run.id}/people", {"person_id": staff[0].id})
    assert response.status_code == 302
    with app.app_context():
        ticked = db.session.query(GroupParticipant).filter_by(run_id=run.id).one()
        assert ticked.person_id == staff[0].id
        assert ticked.ticked_in_by_id == org.facilitator.id and not ticked.with_phone
    page = run.facilitator.get(f"/groups/runs/{run.id}/people").get_data(as_text=True)
    assert "krysset inn uten telefon" in page and "Kryss inn Deltaker 0" not in page


def test_only_the_facilitator_can_tick_in_others(run, org, staff, phone, app):
    aisha = phone(org.assistant)
    join(aisha, run.code)
    response = aisha.submit(f"/groups/runs/{run.id}/people", {"person_id": staff[0].id})
    assert response.status_code == 403
    assert aisha.get(f"/groups/runs/{run.id}/people").status_code == 403
    # and the facilitator only people of their own units
    response = run.facilitator.submit(f"/groups/runs/{run.id}/people", {"person_id": org.nurse.id})
    assert response.status_code == 403
    with app.app_context():
        people = set(db.session.scalars(db.select(GroupParticipant.person_id).filter_by(run_id=run.id)))
    assert people == {org.assistant.id}


def test_a_participant_cannot_open_another_participants_phone_page(run, org, staff, phone):
    aisha = phone(org.assistant)
    mine = join(aisha, run.code)
    other = phone(staff[0])
    theirs = join(other, run.code)
    assert aisha.get(f"/groups/me/{theirs}").status_code == 404
    assert aisha.submit(f"/groups/me/{theirs}/leave").status_code == 404
    assert aisha.get(f"/groups/me/{mine}").status_code == 200


def test_the_overview_lists_open_and_closed_runs(run, org, fixture_module):
    second = start_run(run.facilitator, fixture_module)
    run.facilitator.submit(f"/groups/runs/{second}/close")
    page = run.facilitator.get("/groups").get_data(as_text=True)
    open_part = page.split('id="open-heading"')[1].split("</section>")[0]
    closed_part = page.split('id="closed-heading"')[1].split("</section>")[0]
    assert run.code in open_part and "Hjemmesykepleien sone Nord" in open_part
    assert "Ad hoc-gruppe" in closed_part and "0 var med til slutt" in closed_part
    assert 'value="alle-korttyper"' in page
