"""What a group run gives each person, and that every place says the same of them: the phone, the
close screen, "Mine", the managers' report, the competence evidence and the xAPI statements.

The fixture module has 10 cards; cards 3-6 (indices 2-5) are its four questions; pass mark 75 %.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms.assignments.services import assign_to_unit
from lms.competence.models import Evidence
from lms.core.time import local_today
from lms.extensions import db
from lms.groups.models import GroupParticipant, GroupRun
from lms.organisation.models import Unit
from lms.reports import services as reports
from tests.groups.conftest import answer, join, move
from tests.groups.test_run import close_run, outbox_for
from tests.support.frameworks import import_test_framework

RIGHT = {
    "enkelt": {"response": "b"},
    "flere": {"response": ["b", "c"]},
    "sant": {"response": "false"},
    "rekkefolge": {"position-oppdag": "1", "position-sikre": "2", "position-melde": "3"},
}
ORDER = ["enkelt", "flere", "sant", "rekkefolge"]  # at indices 2, 3, 4, 5


def _framework(app):
    with app.app_context():
        import_test_framework()
        db.session.commit()


def _assign(app, org, fixture_module) -> int:
    with app.app_context():
        zone = db.session.get(Unit, org.zone.id)
        assignment = assign_to_unit(fixture_module, zone, local_today())
        db.session.commit()
        return assignment.id


def _go_to(run, index: int, phones=()):
    """Move the run card by card up to ``index``; each phone answers the questions it sees."""
    for position in range(1, index + 1):
        move(run.facilitator, run.id, position)
        for client, participant_id in phones:
            if 2 <= position <= 5:
                card = ORDER[position - 2]
                answer(client, participant_id, card, RIGHT[card])


def _evidence_of(app, person) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(Evidence).filter_by(person_id=person.id)
        )


def _standing_in_report(app, org, assignment_id):
    with app.app_context():
        rows = {r.assignment.id: r for r in reports.completion({org.zone.id}, local_today())}
    row = rows[assignment_id]
    return {"done": row.done, "failed": row.failed, "attended": row.attended}, row


def test_a_latecomer_at_card_5_who_answers_right_passes_with_evidence_and_statements(
    run, org, staff, phone, app, fixture_module
):
    _framework(app)
    assignment_id = _assign(app, org, fixture_module)
    early, late = phone(staff[0]), phone(org.assistant)
    early_id = join(early, run.code)
    _go_to(run, 3, [(early, early_id)])
    move(run.facilitator, run.id, 4)  # card 5
    late_id = join(late, run.code)
    for index in range(4, 10):
        if index > 4:
            move(run.facilitator, run.id, index)
        if index <= 5:
            card = ORDER[index - 2]
            for client, pid in ((early, early_id), (late, late_id)):
                answer(client, pid, card, RIGHT[card])
    close_run(run)

    with app.app_context():
        attempt = db.session.get(GroupParticipant, late_id).attempt
        assert (attempt.outcome, attempt.passed, attempt.score) == ("passed", True, 1.0)
        run_uuid = db.session.get(GroupRun, run.id).uuid
    phone_page = late.get(f"/groups/me/{late_id}").get_data(as_text=True)
    assert 'data-standing="passed">Bestått<' in phone_page
    assert "Du var med på 6 av 10 kort som ble vist." in phone_page
    results = run.facilitator.get(f"/groups/runs/{run.id}/close").get_data(as_text=True)
    passed_part = results.split('data-standing="passed"')[1].split("</section>")[0]
    assert "Aisha Assistent" in passed_part and "Bestått (2)" in passed_part
    late.sign_in(org.assistant)
    home = late.get("/").get_data(as_text=True)
    done_part = home.split('id="done-heading"')[1].split("</section>")[0]
    assert "Alle korttyper" in done_part and 'data-standing="passed">Bestått<' in done_part
    counts, _row = _standing_in_report(app, org, assignment_id)
    assert counts == {"done": 2, "failed": 0, "attended": 0}
    assert _evidence_of(app, org.assistant) == 1

    statements = [
        s
        for s in outbox_for(app, run_uuid)
        if s["verb"]["id"].rsplit("/", 1)[1] in ("completed", "passed", "failed", "attended")
    ]
    with app.app_context():
        aisha = db.session.get(type(org.assistant), org.assistant.id).uuid
    mine = [s for s in statements if s["actor"]["account"]["name"] == aisha]
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in mine] == ["completed", "passed"]
    assert mine[1]["result"]["score"]["scaled"] == 1.0 and mine[1]["result"]["success"] is True
    assert mine[1]["context"]["registration"] == run_uuid


def test_a_phone_that_leaves_at_card_3_is_still_in_progress_everywhere(
    run, org, staff, phone, app, fixture_module
):
    _framework(app)
    assignment_id = _assign(app, org, fixture_module)
    stayer, leaver = phone(staff[0]), phone(org.assistant)
    stayer_id, leaver_id = join(stayer, run.code), join(leaver, run.code)
    _go_to(run, 2, [(stayer, stayer_id), (leaver, leaver_id)])
    leaver.submit(f"/groups/me/{leaver_id}/leave")
    _go_to(run, 9, [(stayer, stayer_id)])
    close_run(run)

    with app.app_context():
        attempt = db.session.get(GroupParticipant, leaver_id).attempt
        assert not attempt.completed and attempt.outcome is None
        run_uuid = db.session.get(GroupRun, run.id).uuid
        aisha = db.session.get(type(org.assistant), org.assistant.id).uuid
    phone_page = leaver.get(f"/groups/me/{leaver_id}").get_data(as_text=True)
    assert 'data-standing="in_progress">Påbegynt<' in phone_page
    assert "Du var med på 3 av 10 kort som ble vist." in phone_page
    results = run.facilitator.get(f"/groups/runs/{run.id}/close").get_data(as_text=True)
    assert "Aisha Assistent" in results.split('data-standing="in_progress"')[1].split("</section>")[0]
    leaver.sign_in(org.assistant)
    home = leaver.get("/").get_data(as_text=True)
    assert 'data-standing="in_progress">Påbegynt<' in home
    counts, row = _standing_in_report(app, org, assignment_id)
    assert counts == {"done": 1, "failed": 0, "attended": 0} and row.in_progress == 1
    assert _evidence_of(app, org.assistant) == 0
    verbs = [
        s["verb"]["id"].rsplit("/", 1)[1]
        for s in outbox_for(app, run_uuid)
        if s["actor"]["account"]["name"] == aisha
    ]
    assert not {"completed", "passed", "failed", "attended"} & set(verbs)


def test_a_run_closed_early_gives_attendance_and_no_pass_or_fail(
    run, org, staff, phone, app, fixture_module
):
    _framework(app)
    assignment_id = _assign(app, org, fixture_module)
    right, wrong = phone(org.assistant), phone(staff[0])
    right_id, wrong_id = join(right, run.code), join(wrong, run.code)
    _go_to(run, 2)
    answer(right, right_id, "enkelt", RIGHT["enkelt"])
    answer(wrong, wrong_id, "enkelt", {"response": "a"})
    close_run(run)  # on card 3: one of the four questions shown

    with app.app_context():
        outcomes = {
            p.id: (p.attempt.outcome, p.attempt.passed, p.attempt.score)
            for p in db.session.scalars(sa.select(GroupParticipant).filter_by(run_id=run.id))
        }
        run_uuid = db.session.get(GroupRun, run.id).uuid
    assert outcomes == {right_id: ("attended", None, 1.0), wrong_id: ("attended", None, 0.0)}
    for client, pid in ((right, right_id), (wrong, wrong_id)):
        page = client.get(f"/groups/me/{pid}").get_data(as_text=True)
        assert 'data-standing="attended">Deltatt<' in page
    results = run.facilitator.get(f"/groups/runs/{run.id}/close").get_data(as_text=True)
    assert "Deltatt (2)" in results and 'data-standing="passed"' not in results
    assert 'data-standing="failed"' not in results
    right.sign_in(org.assistant)
    home = right.get("/").get_data(as_text=True)
    assert 'data-standing="attended">Deltatt<' in home.split('id="unfinished-heading"')[1]
    counts, _row = _standing_in_report(app, org, assignment_id)
    assert counts == {"done": 0, "failed": 0, "attended": 2}
    assert _evidence_of(app, org.assistant) == 0
    ends = [
        (s["verb"]["id"].rsplit("/", 1)[1], s["result"])
        for s in outbox_for(app, run_uuid)
        if s["verb"]["id"].rsplit("/", 1)[1] in ("completed", "passed", "failed", "attended")
    ]
    assert [verb for verb, _result in ends] == ["attended", "attended"]
    assert sorted(r["score"]["scaled"] for _v, r in ends) == [0.0, 1.0]
    assert all("completion" not in r and "success" not in r for _v, r in ends)


def test_the_close_screen_runs_as_many_queries_for_many_participants_as_for_few(
    run, org, staff, phone, count_queries
):
    move(run.facilitator, run.id, 2)
    aisha = phone(org.assistant)
    answer(aisha, join(aisha, run.code), "enkelt", RIGHT["enkelt"])
    url = f"/groups/runs/{run.id}/close"

    def measure() -> int:
        run.facilitator.get(url)
        with count_queries() as counted:
            assert run.facilitator.get(url).status_code == 200
        return counted.n

    few = measure()
    for person in staff:
        client = phone(person)
        answer(client, join(client, run.code), "enkelt", RIGHT["enkelt"])
    assert measure() == few


def test_a_facilitator_finds_group_runs_in_the_menu_on_home_and_on_a_module_page(
    run, org, phone, fixture_module, count_queries
):
    home = run.facilitator.get("/").get_data(as_text=True)
    menu = home.split('aria-label="Hovedmeny"')[1].split("</nav>")[0]
    assert ">Gruppeøkter<" in menu and ">Rapporter<" not in menu  # a facilitator, not a manager
    lead = home.split('id="lead-heading"')[1].split("</section>")[0]
    assert "Start en gruppeøkt" in lead and f"kode {run.code}" in lead
    module_page = run.facilitator.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert f'href="/groups?module={fixture_module}"' in module_page and "Kjør i gruppe" in module_page
    chosen = run.facilitator.get(f"/groups?module={fixture_module}").get_data(as_text=True)
    assert f'value="{fixture_module}" selected' in chosen

    staff = phone(org.assistant)  # staff: none of it
    assert ">Gruppeøkter<" not in staff.get("/").get_data(as_text=True)
    assert "Kjør i gruppe" not in staff.get(f"/learn/{fixture_module}").get_data(as_text=True)

    with count_queries() as one_run:
        run.facilitator.get("/")
    for _ in range(3):
        run.facilitator.submit("/groups/runs", {"module_id": fixture_module, "unit_id": "adhoc"})
    with count_queries() as four_runs:
        page = run.facilitator.get("/").get_data(as_text=True)
    assert page.count("Åpen gruppeøkt") == 4 and four_runs.n == one_run.n
