"""A group run's people, read back from every view that speaks of them: the phone at the end, the
shared screen, the facilitator's close screen, home, the done page, /competence/me, the manager's
report, and the statements. The fixture module has 10 cards; indices 2-5 are its four questions;
pass mark 75 %."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from lms.assignments.services import assign_to_unit
from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db
from lms.groups.models import GroupParticipant
from lms.organisation.models import Person, Unit
from lms.reports import services as reports
from tests.groups.conftest import answer, join, move
from tests.groups.test_run import close_run
from tests.support.frameworks import import_test_framework
from tests.test_agreement import statements_of, verb

RIGHT = {
    "enkelt": {"response": "b"},
    "flere": {"response": ["b", "c"]},
    "sant": {"response": "false"},
    "rekkefolge": {"position-oppdag": "1", "position-sikre": "2", "position-melde": "3"},
}
WRONG = {"sant": {"response": "true"}}
ORDER = ["enkelt", "flere", "sant", "rekkefolge"]  # at indices 2, 3, 4, 5
ENDINGS = ("completed", "passed", "failed", "attended")


def _setting(app, org, fixture_module) -> int:
    with app.app_context():
        import_test_framework()
        assignment = assign_to_unit(fixture_module, db.session.get(Unit, org.zone.id), local_today())
        db.session.commit()
        return assignment.id


def _report(app, org, assignment_id: int) -> dict[str, int]:
    with app.app_context():
        row = next(
            r
            for r in reports.completion({org.zone.id}, local_today())
            if r.assignment.id == assignment_id
        )
    return {"done": row.done, "failed": row.failed, "attended": row.attended, "open": row.in_progress}


def _phone_standing(client, participant_id: int) -> str:
    page = client.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    return re.search(r'<strong data-standing="(\w+)">', page).group(1)


def _close_screen(run) -> dict[str, list[str]]:
    """The facilitator's results: the names under each standing."""
    page = run.facilitator.get(f"/groups/runs/{run.id}/close").get_data(as_text=True)
    sections = re.findall(r'data-standing="(\w+)">[^<]*</h2>\s*<details>.*?<ul>(.*?)</ul>', page, re.S)
    return {standing: re.findall(r"<li>([^<]+)</li>", names) for standing, names in sections}


def _home_standings(client) -> set[str]:
    return set(re.findall(r'data-standing="(\w+)"', client.get("/").get_data(as_text=True)))


def _uuid(app, person) -> str:
    with app.app_context():
        return db.session.get(Person, person.id).uuid


def _endings(app, person) -> list[tuple[str, bool | None]]:
    return [
        (verb(s), s.get("result", {}).get("success"))
        for s in statements_of(app, _uuid(app, person))
        if verb(s) in ENDINGS
    ]


def _evidence(client) -> bool:
    return "Modul fullført" in client.get("/competence/me").get_data(as_text=True)


def test_someone_who_leaves_and_finishes_alone_before_the_close_is_told_what_they_got(
    run, org, staff, phone, app, fixture_module
):
    """Aisha answers cards 3-4 right and card 5 wrong, leaves, and finishes the module alone
    (card 6 right: 3 of 4, passed) while the group goes on. Her attempt is passed: the close does
    not judge it again, and the phone and the facilitator's results must say what she got."""
    assignment_id = _setting(app, org, fixture_module)
    stayer, leaver = phone(staff[0]), phone(org.assistant)
    stayer_id, leaver_id = join(stayer, run.code), join(leaver, run.code)
    for index in range(1, 5):
        move(run.facilitator, run.id, index)
        if index >= 2:
            card = ORDER[index - 2]
            answer(stayer, stayer_id, card, RIGHT[card])
            answer(leaver, leaver_id, card, WRONG.get(card, RIGHT[card]))
    leaver.submit(f"/groups/me/{leaver_id}/leave")
    with app.app_context():
        attempt_id = db.session.get(GroupParticipant, leaver_id).attempt_id
    leaver.submit(f"/attempts/{attempt_id}/cards/5", RIGHT["rekkefolge"])
    for index in range(5, 10):
        last = leaver.submit(f"/attempts/{attempt_id}/cards/{index}/next")
    assert last.headers["Location"].endswith(f"/attempts/{attempt_id}/done")
    done = leaver.get(last.headers["Location"]).get_data(as_text=True)
    assert "Du har bestått «Alle korttyper»" in done
    left = leaver.get(f"/groups/me/{leaver_id}").get_data(as_text=True)
    assert "avgjøres når den avsluttes" not in left  # it is decided: she finished alone
    assert '<strong data-standing="passed">' in left and "Bli med igjen" not in left
    assert "Du fikk 75 % riktig." in left  # her attempt's score, over every question she answered
    assert "på spørsmålene du var med på" not in left
    assert join(leaver, run.code) == leaver_id  # the code on the screen again: her result
    back = leaver.get(f"/groups/me/{leaver_id}").get_data(as_text=True)
    assert '<strong data-standing="passed">' in back and "Bli med igjen" not in back
    sent = answer(leaver, leaver_id, "sant", RIGHT["sant"])
    assert sent.status_code == 302  # not a server error: told why nothing was stored
    told = leaver.get(sent.headers["Location"]).get_data(as_text=True)
    assert "så svaret ble ikke lagret." in told
    for index in range(5, 10):
        move(run.facilitator, run.id, index)
        if index == 5:
            answer(stayer, stayer_id, "rekkefolge", RIGHT["rekkefolge"])
    close_run(run)

    with app.app_context():
        attempt = db.session.get(GroupParticipant, leaver_id).attempt
        assert (attempt.outcome, attempt.score) == ("passed", 0.75)
    assert _phone_standing(leaver, leaver_id) == "passed"
    results = _close_screen(run)
    assert org.assistant.name in results.get("passed", []), results
    assert _home_standings(leaver) == {"passed"}
    assert _evidence(leaver)
    assert _report(app, org, assignment_id) == {"done": 2, "failed": 0, "attended": 0, "open": 0}
    assert _endings(app, org.assistant) == [("completed", None), ("passed", True)]


def test_a_latecomer_a_leaver_and_a_phone_silent_for_cards_are_told_the_same_everywhere(
    run, org, staff, phone, app, fixture_module, monkeypatch
):
    """Four people: Deltaker 0 stays from the first card to the last and answers right; Aisha
    (assistant) joins at card 5; Deltaker 1 leaves at card 4; Deltaker 2's phone is silent for
    longer than the run waits (the gone time) while cards 4-6 are shown, then answers card 5 late
    and stays to the end."""
    assignment_id = _setting(app, org, fixture_module)
    stayer, latecomer = phone(staff[0]), phone(org.assistant)
    leaver, silent = phone(staff[1]), phone(staff[2])
    stayer_id, leaver_id, silent_id = (join(c, run.code) for c in (stayer, leaver, silent))
    for index in range(1, 10):
        if index == 3:
            leaver.submit(f"/groups/me/{leaver_id}/leave")
            with app.app_context():  # the silent phone's last sign of life: long ago
                participant = db.session.get(GroupParticipant, silent_id)
                participant.last_seen_at = utcnow() - timedelta(minutes=60)
                db.session.commit()
        move(run.facilitator, run.id, index)
        if index == 4:
            latecomer_id = join(latecomer, run.code)
        if 2 <= index <= 5:
            card = ORDER[index - 2]
            present = [(stayer, stayer_id)]
            present += [(leaver, leaver_id)] if index < 3 else []
            present += [(silent, silent_id)] if index < 3 else []
            present += [(latecomer, latecomer_id)] if index >= 4 else []
            for client, pid in present:
                answer(client, pid, card, RIGHT[card])
        if index == 6:
            silent.get(f"/groups/me/{silent_id}")  # back in contact: seen again
            for card in ("sant", "rekkefolge"):  # the answers its phone kept
                answer(silent, silent_id, card, RIGHT[card])
    screen = run.facilitator.get(f"/groups/runs/{run.id}").get_data(as_text=True)
    assert "3 med" in screen  # the leaver is not counted
    for person in (org.assistant, *staff[:3]):
        assert person.name not in screen, "the shared screen names no one"
    close_run(run)

    with app.app_context():
        outcomes = {
            p.person_id: (p.attempt.outcome, p.attempt.score)
            for p in db.session.scalars(sa.select(GroupParticipant).filter_by(run_id=run.id))
        }
    results = _close_screen(run)
    screen = run.facilitator.get(f"/groups/runs/{run.id}").get_data(as_text=True)
    assert "3 var med til slutt." in screen
    expected = {
        staff[0].id: ("passed", "passed"),
        org.assistant.id: ("passed", "passed"),  # 6 of 10 cards, 2 of 4 questions, both right
        staff[1].id: (None, "in_progress"),  # 3 of 10: too little
    }
    for person_id, (outcome, standing) in expected.items():
        assert outcomes[person_id][0] == outcome
        name = next(p.name for p in (org.assistant, *staff) if p.id == person_id)
        assert name in results.get(standing, []), (name, results)
    # present for cards 1-3 and 8-10 (6 of 10), of the questions only card 3: attended; the
    # answers its phone sent late were for cards it was not counted present for
    assert outcomes[staff[2].id] == ("attended", 1.0)
    assert staff[2].name in results.get("attended", []), results
    for client, pid, person in (
        (stayer, stayer_id, staff[0]),
        (latecomer, latecomer_id, org.assistant),
        (leaver, leaver_id, staff[1]),
        (silent, silent_id, staff[2]),
    ):
        with app.app_context():
            attempt = db.session.get(GroupParticipant, pid).attempt
            outcome, attempt_id = attempt.outcome, attempt.id
        standing = outcome or "in_progress"
        assert _phone_standing(client, pid) == standing
        client.sign_in(person)
        if outcome is not None:
            done = client.get(f"/attempts/{attempt_id}/done").get_data(as_text=True)
            assert f'<strong data-standing="{standing}">' in done
        assert _home_standings(client) == {standing}
        assert _evidence(client) is (standing == "passed")
        endings = _endings(app, person)
        if outcome is None:
            assert endings == []
        elif outcome == "attended":
            assert endings == [("attended", None)]
        else:
            assert endings == [("completed", None), (outcome, outcome == "passed")]
    with app.app_context():
        attempt_id = db.session.get(GroupParticipant, latecomer_id).attempt_id
    done = latecomer.get(f"/attempts/{attempt_id}/done").get_data(as_text=True)
    # judged on the two questions she was there for; the two before she came are not "riktig"
    assert "Du fikk 100 % riktig på spørsmålene du var med på i gruppeøkten." in done
    everyone = [o for o, _s in outcomes.values()]
    assert _report(app, org, assignment_id) == {
        "done": everyone.count("passed"),
        "failed": everyone.count("failed"),
        "attended": everyone.count("attended"),
        "open": everyone.count(None),
    }


def test_someone_who_finishes_in_the_player_during_the_run_is_told_and_keeps_what_they_got(
    run, org, phone, app, fixture_module
):
    """Aisha, in the run, opens her attempt in the player (from "Mine") and finishes it there,
    all right; the group is on card 3 when she answers it on her phone too."""
    aisha = phone(org.assistant)
    pid = join(aisha, run.code)
    move(run.facilitator, run.id, 2)
    with app.app_context():
        attempt_id = db.session.get(GroupParticipant, pid).attempt_id
    for index in range(10):
        if 2 <= index <= 5:
            aisha.submit(f"/attempts/{attempt_id}/cards/{index}", RIGHT[ORDER[index - 2]])
        aisha.submit(f"/attempts/{attempt_id}/cards/{index}/next")

    sent = answer(aisha, pid, "enkelt", {"response": "a"})
    told = aisha.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Du har alt fullført modulen, så svaret ble ikke lagret." in told
    assert _close_screen(run) == {"passed": [org.assistant.name]}
    close_run(run)
    assert _phone_standing(aisha, pid) == "passed"
    assert _close_screen(run) == {"passed": [org.assistant.name]}
    assert _endings(app, org.assistant) == [("completed", None), ("passed", True)]
