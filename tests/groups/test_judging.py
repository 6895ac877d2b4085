"""The one rule of what a person gets from a group run (``lms.groups.judging.judge``): pure, no
database. The module here has 10 cards; cards 2-5 are the scored ones, pass mark 75 %."""

from __future__ import annotations

from lms.groups.judging import ATTENDED_PERCENT, judge
from lms.learning.standing import Standing, Verdict, standing_from, standing_of

SCORED = {2, 3, 4, 5}
ALL = range(10)


def judged(present_for, scores=None, shown=ALL, scored=SCORED):
    return judge(
        card_count=10,
        scored=scored,
        shown=shown,
        present_for=present_for,
        scores=scores or {},
        pass_mark=75,
    )


def test_there_from_start_to_end_with_every_answer_right_passes():
    result = judged(ALL, {2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0})
    assert (result.verdict, result.score, result.passed) == (Verdict.PASSED, 1.0, True)
    assert (result.present_for, result.shown) == (10, 10)


def test_a_latecomer_is_scored_on_the_questions_they_were_there_for():
    # joins at card 5 (index 4): there for 6 of 10 cards and 2 of the 4 questions, both right
    result = judged(range(4, 10), {4: 1.0, 5: 1.0})
    assert (result.verdict, result.score) == (Verdict.PASSED, 1.0)
    assert result.present_for == 6


def test_a_latecomer_who_saw_too_few_questions_has_attended_without_a_pass_or_a_fail():
    result = judged(range(5, 10), {5: 1.0})  # joins at card 6: 5 of 10 cards, 1 of 4 questions
    assert (result.verdict, result.score, result.passed) == (Verdict.ATTENDED, 1.0, None)


def test_one_who_leaves_at_card_3_gets_nothing():
    result = judged(range(0, 3), {2: 1.0})
    assert result.verdict is None and result.present_for == 3
    assert standing_from(result.verdict) is Standing.IN_PROGRESS


def test_a_question_seen_but_not_answered_counts_as_wrong():
    result = judged(ALL, {2: 1.0, 3: 1.0, 4: 1.0})
    assert (result.verdict, result.score) == (Verdict.PASSED, 0.75)
    result = judged(ALL, {2: 1.0, 3: 1.0})
    assert (result.verdict, result.score) == (Verdict.FAILED, 0.5)


def test_a_run_closed_early_gives_attendance_not_a_pass_or_fail_on_a_few_cards():
    shown = range(0, 3)  # closed on card 3: one of the four questions shown
    right = judged(shown, {2: 1.0}, shown=shown)
    wrong = judged(shown, {2: 0.0}, shown=shown)
    assert right.verdict is wrong.verdict is Verdict.ATTENDED
    assert (right.score, wrong.score) == (1.0, 0.0)


def test_a_run_closed_after_enough_questions_judges_those_there():
    shown = range(0, 5)  # cards 1-5: questions 2, 3, 4 (3 of 4)
    assert judged(shown, {2: 1.0, 3: 1.0, 4: 1.0}, shown=shown).verdict is Verdict.PASSED
    assert judged(shown, {2: 1.0, 3: 1.0}, shown=shown).verdict is Verdict.FAILED
    # present for 2 of 5 shown cards: under the share, however right
    assert judged(range(3, 5), {3: 1.0, 4: 1.0}, shown=shown).verdict is None


def test_exactly_the_share_is_enough():
    assert ATTENDED_PERCENT == 50
    result = judged(range(5, 10), {5: 1.0}, scored={4, 5})  # 5 of 10 cards, 1 of 2 questions
    assert result.verdict is Verdict.PASSED


def test_a_module_without_questions_is_completed_by_enough_of_its_cards():
    assert judged(range(4, 10), scored=set()).verdict is Verdict.COMPLETED
    assert judged(range(4, 10), scored=set()).score is None
    shown = range(0, 4)
    assert judged(shown, shown=shown, scored=set()).verdict is Verdict.ATTENDED


def test_cards_skipped_by_the_facilitator_are_not_held_against_anyone():
    shown = [0, 2, 3, 4, 5, 9]
    result = judged([2, 3, 4, 5, 9], {2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0}, shown=shown)
    assert (result.present_for, result.shown, result.verdict) == (5, 6, Verdict.PASSED)


def test_nothing_shown_gives_nothing():
    assert judged([], shown=[]).verdict is None


def test_the_standing_words_are_defined_once():
    assert standing_of(False, None).label == "Ikke startet"
    assert standing_of(True, None).label == "Påbegynt"
    assert standing_of(True, "attended").label == "Deltatt"
    assert standing_of(True, "failed").label == "Fullført, ikke bestått"
    assert standing_of(True, "passed").label == "Bestått"
    assert standing_of(True, "completed").label == "Fullført"
    assert [v for v in Verdict if v.gives_completion] == [Verdict.PASSED, Verdict.COMPLETED]
