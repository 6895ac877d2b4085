"""The profile function: plain data in, levels and requirement states out (no database, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms.competence.models import EvidenceKind, State
from lms.competence.profile import (
    EvidenceFact,
    RequirementFact,
    add_months,
    competence_levels,
    compute_profile,
    requirement_state,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SECURITY = 5
YEARLY = RequirementFact(id=1, competence_id=SECURITY, min_level=2, validity_months=12, renewal_days=60)


def fact(level: int, kind=EvidenceKind.MODULE, *, days_ago: int, valid_until=None) -> EvidenceFact:
    return EvidenceFact(SECURITY, level, kind, NOW - timedelta(days=days_ago), valid_until)


def test_evidence_older_than_the_validity_has_expired():
    state = requirement_state(YEARLY, [fact(2, days_ago=400)], NOW)

    assert state.state is State.EXPIRED
    assert not state.met
    assert state.valid_until == add_months(NOW - timedelta(days=400), 12)
    assert state.since is None


def test_evidence_within_the_validity_meets_the_requirement_until_it_runs_out():
    achieved = NOW - timedelta(days=100)
    state = requirement_state(YEARLY, [fact(2, days_ago=100)], NOW)

    assert state.state is State.MET
    assert state.since == achieved
    assert state.valid_until == add_months(achieved, 12)


def test_inside_the_renewal_window_it_is_met_but_due_for_renewal():
    inside = requirement_state(YEARLY, [fact(2, days_ago=330)], NOW)
    outside = requirement_state(YEARLY, [fact(2, days_ago=290)], NOW)

    assert inside.state is State.RENEWAL_DUE and inside.met
    assert inside.valid_until - NOW <= timedelta(days=60)
    assert outside.state is State.MET


def test_renewing_moves_the_requirement_out_of_the_renewal_window():
    state = requirement_state(YEARLY, [fact(2, days_ago=330), fact(2, days_ago=3)], NOW)

    assert state.state is State.MET
    assert state.valid_until == add_months(NOW - timedelta(days=3), 12)
    assert state.since == NOW - timedelta(days=330)


def test_a_higher_level_supersedes_a_lower_one():
    evidence = [fact(1, days_ago=200), fact(3, days_ago=100), fact(1, days_ago=10)]

    levels = competence_levels(evidence, NOW)
    state = requirement_state(YEARLY, evidence, NOW)

    assert levels[SECURITY].level == 3
    assert state.state is State.MET
    assert state.level == 3
    assert state.since == NOW - timedelta(days=100)


def test_a_lower_level_does_not_meet_a_higher_requirement():
    state = requirement_state(YEARLY, [fact(1, days_ago=10)], NOW)

    assert state.state is State.MISSING
    assert state.level == 1


def test_a_self_assessment_never_meets_a_mandatory_requirement():
    evidence = [fact(3, EvidenceKind.SELF, days_ago=1)]

    profile = compute_profile(evidence, [YEARLY], NOW)

    assert profile.requirements[0].state is State.MISSING
    assert profile.requirements[0].level is None
    assert profile.levels[SECURITY].level is None
    assert profile.levels[SECURITY].self_assessed == 3


def test_a_managers_sign_off_counts():
    profile = compute_profile([fact(2, EvidenceKind.SIGN_OFF, days_ago=5)], [YEARLY], NOW)

    assert profile.requirements[0].state is State.MET
    assert profile.levels[SECURITY].level == 2


def test_a_certificate_runs_out_on_its_own_date_when_that_comes_first():
    ends = NOW + timedelta(days=20)
    state = requirement_state(
        YEARLY, [fact(2, EvidenceKind.CERTIFICATE, days_ago=30, valid_until=ends)], NOW
    )

    assert state.state is State.RENEWAL_DUE
    assert state.valid_until == ends


def test_without_a_validity_evidence_counts_for_good():
    lasting = RequirementFact(id=2, competence_id=SECURITY, min_level=1, validity_months=None)

    state = requirement_state(lasting, [fact(1, days_ago=3000)], NOW)

    assert state.state is State.MET
    assert state.valid_until is None


def test_evidence_dated_after_now_is_not_counted_yet():
    state = requirement_state(YEARLY, [fact(2, days_ago=-5)], NOW)

    assert state.state is State.MISSING


def test_months_are_calendar_months():
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2025, 11, 30, tzinfo=UTC), 15) == datetime(2027, 2, 28, tzinfo=UTC)
