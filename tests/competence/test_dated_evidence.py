"""Evidence a leader records with a date (a qualification, a course certificate) counts from the
start of that day in the installation's zone (Europe/Oslo), so evidence dated today counts at once,
also in the first hours after midnight, when the UTC date is still yesterday's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date

from lms.competence import services as competence
from lms.competence.models import State
from lms.core import time as local_time
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.organisation.services import unit_ids_below
from lms.planning import qualifications
from lms.planning.models import QualificationKind
from lms.reports import services as reports

MOMENTS = {
    "00:30 in Oslo in winter (23:30 UTC the day before)": datetime(2026, 12, 4, 23, 30, tzinfo=UTC),
    "00:30 in Oslo in summer (22:30 UTC the day before)": datetime(2026, 6, 30, 22, 30, tzinfo=UTC),
    "noon in Oslo": datetime(2026, 12, 4, 11, 0, tzinfo=UTC),
}


@pytest.fixture(params=list(MOMENTS.values()), ids=list(MOMENTS))
def now(request, monkeypatch) -> datetime:
    """The platform's clock stopped at the moment the test is named after."""
    moment = request.param
    monkeypatch.setattr(local_time, "utcnow", lambda: moment)
    monkeypatch.setattr(competence, "utcnow", lambda: moment)
    return moment


def _met_and_missing(ward_id: int) -> tuple[int, int]:
    counts = reports.summary(unit_ids_below([ward_id]))[0].counts
    return counts[State.MET], counts[State.MISSING]


def test_a_qualification_recorded_today_meets_the_requirement_at_once(app, client, org, now):
    with app.app_context():
        authorisation = qualifications.qualification_competences()[QualificationKind.AUTHORISATION]
        competence.add_requirement(authorisation, db.session.get(Unit, org.ward.id), 2)
        db.session.commit()
    client.sign_in(org.manager)
    recorded = client.submit(
        f"/planning/people/{org.nurse.id}/qualifications",
        {"kind": "authorisation", "title": "Sykepleier", "hpr_number": "1234567"},
    )
    assert recorded.status_code == 302
    with app.app_context():
        assert _met_and_missing(org.ward.id) == (1, 1)
        profile, _requirements = competence.profile_of(db.session.get(Person, org.nurse.id))
        assert [s.state for s in profile.requirements] == [State.MET]


def test_a_certificate_dated_today_counts_at_once_and_the_person_page_shows_the_days_typed(
    app, client, org, now
):
    with app.app_context():
        competence.load_shipped()
        security = competence.competences_by_code(["DHK-5"])["DHK-5"]
        competence.add_requirement(security, db.session.get(Unit, org.ward.id), 2)
        db.session.commit()
        security_id, today = security.id, local_today()
    until = today + timedelta(days=365)
    client.sign_in(org.manager)
    client.submit(
        f"/reports/people/{org.nurse.id}/certificate",
        {
            "competence": security_id,
            "level": 2,
            "name": "Kurs i informasjonssikkerhet, KS",
            "achieved_on": today.isoformat(),
            "valid_until": until.isoformat(),
        },
    )
    with app.app_context():
        assert _met_and_missing(org.ward.id) == (1, 1)
    page = client.get(f"/reports/people/{org.nurse.id}").get_data(as_text=True)
    since, through = (format_date(day, "medium", locale="nb") for day in (today, until))
    assert f"<td>{since}</td>" in page and f"<td>{through}</td>" in page
    assert f"{since}: Personvern og informasjonssikkerhet, nivå 2" in page
