"""Grading is a pure function of the prepared card and the response; so are the xAPI descriptions."""

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from lms.content.cards.base import ResponseError
from lms.content.library import media_url
from lms.content.package import load_package
from lms.learning.services import outcome
from lms.plugins import card_types

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "modules" / "alle-korttyper"


@pytest.fixture(scope="module")
def module():
    return load_package(FIXTURE, card_types(), media_url)


def grade(module, card_id, **fields):
    card = module.card(card_id)
    card_type = card_types()[card.type]
    form = MultiDict(
        [
            (k, v)
            for k, values in fields.items()
            for v in (values if isinstance(values, list) else [values])
        ]
    )
    return card_type.grade(card, card_type.read_response(card, form))


def test_single_choice_is_right_only_with_the_correct_option(module):
    assert grade(module, "enkelt", response="b").correct is True
    wrong = grade(module, "enkelt", response="a")
    assert wrong.correct is False
    assert "neste person" in wrong.feedback["nb"], "the chosen option's feedback teaches why"


def test_multiple_choice_needs_all_correct_options_and_no_others(module):
    assert grade(module, "flere", response=["b", "c"]).score == 1.0
    assert grade(module, "flere", response=["b"]).score == 0.0
    assert grade(module, "flere", response=["a", "b", "c"]).score == 0.0


def test_true_false(module):
    assert grade(module, "sant", response="false").correct is True
    assert grade(module, "sant", response="true").correct is False


def test_ordering_is_right_only_in_the_packages_order(module):
    right = {"position-oppdag": "1", "position-sikre": "2", "position-melde": "3"}
    assert grade(module, "rekkefolge", **right).correct is True
    swapped = {"position-oppdag": "2", "position-sikre": "1", "position-melde": "3"}
    assert grade(module, "rekkefolge", **swapped).correct is False


def test_ordering_refuses_two_steps_in_one_place(module):
    card = module.card("rekkefolge")
    form = MultiDict({"position-oppdag": "1", "position-sikre": "1", "position-melde": "3"})
    with pytest.raises(ResponseError):
        card_types()["ordering"].read_response(card, form)


def test_ordering_is_never_shown_in_the_right_order(module):
    card = module.card("rekkefolge")
    assert [i["id"] for i in card.data["shown"]] != [i["id"] for i in card.data["items"]]


def test_a_choice_card_refuses_an_empty_or_unknown_answer(module):
    card = module.card("enkelt")
    for form in (MultiDict(), MultiDict({"response": "zzz"})):
        with pytest.raises(ResponseError):
            card_types()["single_choice"].read_response(card, form)


def test_reflection_poll_likert_and_practice_are_not_scored(module):
    assert grade(module, "tanker", text="Jeg glemte det i går.").score is None
    assert grade(module, "mening", response="daglig").score is None
    assert grade(module, "trygghet", response="4").score is None
    assert grade(module, "prov", commit="yes").score is None


def test_a_reflection_longer_than_the_limit_is_refused(module):
    card = module.card("tanker")
    with pytest.raises(ResponseError):
        card_types()["reflection"].read_response(card, MultiDict({"text": "x" * 2001}))


def test_xapi_interactions_describe_the_right_answers(module):
    single = module.card("enkelt")
    assert card_types()["single_choice"].interaction(single)["correctResponsesPattern"] == ["b"]
    ordering = card_types()["ordering"].interaction(module.card("rekkefolge"))
    assert ordering["correctResponsesPattern"] == ["oppdag[,]sikre[,]melde"]
    likert = card_types()["likert"].interaction(module.card("trygghet"))
    assert [point["id"] for point in likert["scale"]] == ["1", "2", "3", "4", "5"]


class FakeAnswer:
    def __init__(self, card_id, score):
        self.card_id, self.score = card_id, score


def test_the_outcome_is_the_share_of_scored_cards_right_against_the_pass_mark(module):
    scored = [card.id for card in module.scored_cards]
    assert scored == ["enkelt", "flere", "sant", "rekkefolge"]
    three_of_four = [*(FakeAnswer(c, 1.0) for c in scored[:3]), FakeAnswer(scored[3], 0.0)]
    result = outcome(module, [*three_of_four, FakeAnswer("tanker", None)])
    assert result.score == 0.75
    assert result.passed is True, "75 % meets the module's pass mark of 75"
    assert outcome(module, three_of_four[:2]).passed is False
