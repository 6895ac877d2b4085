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
        timedelta(hours=-2),  # before the attempt began
        timedelta(minutes=5),  # a phone clock ahead
        "i går",
        "",
        None,
        1764770000,
    ],
)
def test_a_moment_that_cannot_be_true_leaves_the_time_of_arrival(stated):
    """Times are stated relative to when the test runs, not when it was collected: a run of the
    whole suite reaches this test many minutes after collection."""
    now = datetime.now(UTC)
    if isinstance(stated, timedelta):
        stated = (now + stated).isoformat()
    assert stated_moment(stated, now - timedelta(hours=1)) is None
