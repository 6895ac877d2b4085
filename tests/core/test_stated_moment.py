"""The moment a phone says an answer was given (``lms.core.time.stated_moment``): the one rule the
solo player's answers and a group run's follow, kept only when it can be true."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.core.time import stated_moment
from lms.db import utcnow


def test_a_moment_between_the_start_and_now_is_kept_as_the_phone_wrote_it():
    started = utcnow() - timedelta(hours=1)
    given = utcnow() - timedelta(minutes=20)
    assert stated_moment(given.isoformat().replace("+00:00", "Z"), started) == given
    naive = given.replace(tzinfo=None).isoformat()
    assert stated_moment(naive, started.replace(tzinfo=None)) == given, "no zone: UTC"


@pytest.mark.parametrize(
    "stated",
    [
        (utcnow() - timedelta(hours=2)).isoformat(),  # before the attempt began
        (utcnow() + timedelta(minutes=5)).isoformat(),  # a phone clock ahead
        "i går",
        "",
        None,
        1764770000,
    ],
)
def test_a_moment_that_cannot_be_true_leaves_the_time_of_arrival(stated):
    assert stated_moment(stated, datetime.now(UTC) - timedelta(hours=1)) is None
