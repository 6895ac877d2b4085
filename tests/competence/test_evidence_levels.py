"""Each kind of evidence proves at most the level its framework file states: a module or a workshop
series shows knowledge (level 1) unless the competence says otherwise; observed practice and
certificates are not capped. Enforced in the profile and the stored status, shown on the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms.competence import moodle_csv
from lms.competence import services as competence
from lms.competence.models import EvidenceKind, RequirementStatus, State
from lms.competence.profile import EvidenceFact, RequirementFact, compute_profile
from lms.extensions import db
from lms.organisation.models import Unit
from tests.support.frameworks import import_test_framework

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SKILL = 7
PRACTICE = RequirementFact(id=1, competence_id=SKILL, min_level=2, validity_months=None)
KNOWLEDGE_NOTE = "Kunnskap (nivå 1) fra modul — for nivå 2 kreves observert praksis"


def _fact(level: int, kind: EvidenceKind, cap: int | None) -> EvidenceFact:
    return EvidenceFact(SKILL, level, kind, NOW - timedelta(days=10), None, cap)


def test_a_module_declaring_level_2_proves_only_its_cap():
    profile = compute_profile([_fact(2, EvidenceKind.MODULE, 1)], [PRACTICE], NOW)

    assert profile.levels[SKILL].level == 1
    assert profile.requirements[0].state is State.MISSING
    assert profile.requirements[0].level == 1


def test_a_sign_off_of_observed_practice_meets_the_level_2_requirement():
    facts = [_fact(2, EvidenceKind.MODULE, 1), _fact(2, EvidenceKind.SIGN_OFF, None)]
    profile = compute_profile(facts, [PRACTICE], NOW)

    assert profile.levels[SKILL].level == 2
    assert profile.requirements[0].state is State.MET


def _requirement_at_2(org, evidence_levels):
    skill = import_test_framework("NIVA", ("En", "To", "Tre"), evidence_levels)
    competence.add_requirement(skill, db.session.get(Unit, org.ward.id), 2, validity_months=None)
    return skill


def _status(org) -> RequirementStatus:
    return db.session.query(RequirementStatus).filter_by(person_id=org.nurse.id).one()


def test_the_stored_status_counts_a_module_as_knowledge_unless_the_framework_says_otherwise(app, org):
    with app.app_context():
        skill = _requirement_at_2(org, {})
        competence.record_evidence(org.nurse.id, skill, 2, EvidenceKind.MODULE)
        capped = _status(org)
        assert (capped.state, capped.level) == (State.MISSING, 1)

        competence.record_evidence(org.nurse.id, skill, 3, EvidenceKind.CERTIFICATE)
        assert (_status(org).state, _status(org).level) == (State.MET, 3)
        db.session.rollback()


def test_a_competence_may_let_a_module_prove_more_and_a_changed_file_recomputes_the_status(app, org):
    with app.app_context():
        skill = _requirement_at_2(org, {})
        competence.record_evidence(org.nurse.id, skill, 2, EvidenceKind.MODULE)
        assert _status(org).state == State.MISSING

        import_test_framework("NIVA", ("En", "To", "Tre"), {"module": 2})

        assert (_status(org).state, _status(org).level) == (State.MET, 2)
        db.session.rollback()


def test_no_module_is_assigned_for_a_level_a_module_cannot_prove(app, org, fixture_module):
    with app.app_context():
        import_test_framework("TEST", ("En", "To", "Tre"), {})
        assert competence.modules_giving("TEST-1", 2) == []
        assert competence.modules_giving("TEST-1", 1) == [fixture_module]
        import_test_framework("TEST", ("En", "To", "Tre"), {"module": 2})
        assert competence.modules_giving("TEST-1", 2) == [fixture_module]
        db.session.rollback()


def test_the_person_and_their_manager_read_what_the_module_counts_for(app, org, make_client):
    with app.app_context():
        skill = _requirement_at_2(org, {})
        competence.record_evidence(org.nurse.id, skill, 2, EvidenceKind.MODULE)
        db.session.commit()

    client = make_client()
    client.sign_in(org.nurse)
    mine = client.get("/competence/me").get_data(as_text=True)
    assert KNOWLEDGE_NOTE in mine
    assert "oppgitt nivå 2" in mine

    manager = make_client()
    manager.sign_in(org.manager)
    page = manager.get(f"/reports/people/{org.nurse.id}").get_data(as_text=True)
    assert KNOWLEDGE_NOTE in page


# The framework files ------------------------------------------------------------------------------


STATED = {"module": 1, "workshop": 1, "sign_off": 3, "certificate": 3}
QUALIFICATIONS_STATED = {"module": 1, "workshop": 1, "sign_off": 1, "certificate": 1, "qualification": 2}
"""Formal qualifications: only a qualification a leader checked documents one (level 2)."""


def test_the_shipped_frameworks_state_the_levels_and_round_trip(app):
    for path in competence.shipped_files():
        spec = moodle_csv.parse(path.read_bytes())
        expected = QUALIFICATIONS_STATED if path.stem == "formelle-kvalifikasjoner" else STATED
        assert spec.evidence_levels == expected, path.name
        again = moodle_csv.parse(moodle_csv.write(spec))
        assert again.comparable() == spec.comparable()


def _with_levels(framework_levels: str, competence_levels: str) -> bytes:
    spec = moodle_csv.FrameworkSpec(
        "NIV",
        "Niv",
        {"nb": "Niv"},
        {"nb": ""},
        moodle_csv.ScaleSpec([({"nb": "En"}, False), ({"nb": "To"}, True)]),
        "",
        [moodle_csv.CompetenceSpec("NIV-1", "", {"nb": "Noe"}, {"nb": ""}, [])],
    )
    lines = moodle_csv.write(spec).decode().splitlines()
    lines[1] += framework_levels
    lines[2] += competence_levels
    return "\n".join(lines).encode()


def test_a_file_states_levels_for_the_framework_and_per_competence(app):
    with app.test_request_context():
        spec = moodle_csv.parse(_with_levels("module=1 sign_off=2", "module=2"))

    assert spec.evidence_levels == {"module": 1, "sign_off": 2}
    assert spec.competences[0].evidence_levels == {"module": 2}


def test_a_bad_kind_or_a_level_above_the_scale_is_named_with_its_line(app):
    with app.test_request_context():
        problems = moodle_csv.parse(_with_levels("quiz=1", "module=3"))

    assert [p.line for p in problems] == [2, 3]
    assert "quiz=1" in problems[0].message
    assert "module=3" in problems[1].message
