"""Completion is a pure function of the series' sessions, the sessions attended and the share."""

import pytest

from lms.workshops.completion import has_completed, required_sessions


@pytest.mark.parametrize(
    ("sessions", "share", "needed"),
    [(4, 80, 3), (5, 80, 4), (6, 80, 5), (7, 80, 6), (4, 100, 4), (5, 50, 3), (1, 80, 1), (3, 1, 1)],
)
def test_required_sessions(sessions, share, needed):
    assert required_sessions(sessions, share) == needed


def test_three_of_four_completes_an_80_percent_series_and_two_do_not():
    sessions = [1, 2, 3, 4]
    assert has_completed(sessions, [1, 2, 4], 80)
    assert not has_completed(sessions, [1, 3], 80)


def test_only_the_series_sessions_count():
    assert not has_completed([1, 2, 3, 4], [1, 2, 99, 98], 80)


def test_attending_the_same_session_twice_counts_once():
    assert not has_completed([1, 2, 3, 4], [1, 1, 2], 80)


def test_a_series_without_sessions_is_never_complete():
    assert not has_completed([], [], 80)
    assert required_sessions(0, 80) == 0
