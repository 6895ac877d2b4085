"""Completions per week are counted in the weeks people live in: Monday 00:00 to Sunday 24:00 in
Europe/Oslo, in winter and summer time and across both clock changes of 2026 (29 March, 25 October)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms.content.services import current_version
from lms.extensions import db
from lms.learning.models import Attempt
from lms.learning.standing import Verdict
from lms.reports import services as reports

OSLO = ZoneInfo("Europe/Oslo")


def _oslo(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


@pytest.mark.parametrize(
    ("completed", "week_of"),
    [
        # Winter (UTC+1): 00:30 on a Monday is 23:30 UTC on the Sunday before.
        (_oslo(2026, 1, 12, 0, 30), date(2026, 1, 12)),
        (_oslo(2026, 1, 11, 23, 30), date(2026, 1, 5)),
        # Summer (UTC+2): 00:30 on a Monday is 22:30 UTC on the Sunday before.
        (_oslo(2026, 6, 15, 0, 30), date(2026, 6, 15)),
        (_oslo(2026, 6, 14, 23, 30), date(2026, 6, 8)),
        # The spring weekend: the week of 23 March is an hour short and ends at 22:00 UTC on Sunday.
        (_oslo(2026, 3, 29, 1, 30), date(2026, 3, 23)),
        (_oslo(2026, 3, 29, 23, 30), date(2026, 3, 23)),
        (_oslo(2026, 3, 30, 0, 30), date(2026, 3, 30)),
        # The autumn weekend: the week of 19 October is an hour long and ends at 23:00 UTC on Sunday.
        (_oslo(2026, 10, 19, 0, 30), date(2026, 10, 19)),
        (_oslo(2026, 10, 25, 23, 30), date(2026, 10, 19)),
        (_oslo(2026, 10, 26, 0, 30), date(2026, 10, 26)),
    ],
    ids=lambda value: value.isoformat(),
)
def test_a_completion_counts_in_the_local_week_it_happened(app, org, fixture_module, completed, week_of):
    today = week_of + timedelta(days=9)  # the Wednesday after: the week shown is the second-last
    with app.app_context():
        version = current_version(fixture_module)
        db.session.add(
            Attempt(
                person_id=org.nurse.id,
                module_id=fixture_module,
                version_id=version.id,
                completed_at=completed.astimezone(UTC),
                passed=True,
                outcome=Verdict.PASSED,
            )
        )
        db.session.flush()
        weeks = reports.weekly_completions({org.ward.id}, today, weeks=3)

    assert [(w.starts_on, w.completions) for w in weeks] == [
        (week_of - timedelta(weeks=1), 0),
        (week_of, 1),
        (week_of + timedelta(weeks=1), 0),
    ]
