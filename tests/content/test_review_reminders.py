"""The module's owner: named by an admin of the municipality (and only by one), told once, in their
language, 60 days before the review date and once when it has passed. Every day is given, so
nothing depends on the calendar."""

from __future__ import annotations

from datetime import date
from email import message_from_string
from email.message import EmailMessage
from email.policy import default
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.content import services
from lms.content.models import LearningModule, ModuleVersion, ReviewReminder
from lms.content.review_reminders import send_review_reminders
from lms.extensions import db
from lms.organisation.models import Person, Role
from lms.scheduler import jobs
from tests.conftest import add_person, read_mail

REVIEW = date(2027, 12, 1)
SIXTY_DAYS_BEFORE = date(2027, 10, 2)
# The owner reads English: the module's English title and English dates. (The sentences are
# Bokmål until the lead fills the English catalogue with the new messages.)
DUE_SUBJECT = "«Every card type» is to be reviewed by December 1, 2027"
PASSED_SUBJECT = "The review date of «Every card type» has passed"


@pytest.fixture
def version_id(app, fixture_module) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(ModuleVersion.id).filter_by(module_id=fixture_module))


@pytest.fixture
def owned(app, version_id, org) -> int:
    """The fixture module, with the nurse (who reads English) as its owner."""
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        nurse.locale = "en"
        services.set_owner(db.session.get(ModuleVersion, version_id).module, nurse)
        db.session.commit()
    return version_id


def _run(app, today: date) -> int:
    with app.app_context():
        count = send_review_reminders(today)
        db.session.commit()
        return count


def _mails(app) -> list[EmailMessage]:
    parts = read_mail(app).split("=" * 72 + "\n")
    return [message_from_string(part, policy=default) for part in parts if part.strip()]


def _subjects(app) -> list[str]:
    return [str(message["Subject"]) for message in _mails(app)]


def test_nothing_is_sent_more_than_sixty_days_before(app, owned):
    assert _run(app, date(2027, 10, 1)) == 0
    assert read_mail(app) == ""


def test_the_owner_is_told_once_sixty_days_before(app, owned, org):
    assert _run(app, SIXTY_DAYS_BEFORE) == 1
    assert _run(app, SIXTY_DAYS_BEFORE) == 0
    assert _run(app, date(2027, 11, 15)) == 0
    [mail] = _mails(app)
    assert mail["To"] == "nils@testvik.no" and mail["Subject"] == DUE_SUBJECT
    body = mail.get_content()
    assert "Hi Nils Sykepleier," in body and "December 1, 2027" in body
    assert _links(mail) == [f"http://localhost/insights/versions/{owned}"]


def _links(mail: EmailMessage) -> list[str]:
    return [line for line in mail.get_content().splitlines() if line.startswith("http")]


def test_the_link_opens_the_version_statistics_for_an_owner_who_is_no_admin(
    app, owned, make_client, org
):
    _run(app, SIXTY_DAYS_BEFORE)
    [mail] = _mails(app)
    client = make_client()
    client.sign_in(org.nurse)
    [link] = _links(mail)
    response = client.get(urlsplit(link).path)
    assert response.status_code == 200
    assert "Every card type" in response.get_data(as_text=True)


def test_an_owner_who_administers_the_municipality_also_gets_the_upload_page(
    app, version_id, make_client, org
):
    with app.app_context():
        services.set_owner(
            db.session.get(ModuleVersion, version_id).module, db.session.get(Person, org.admin.id)
        )
        db.session.commit()
    _run(app, SIXTY_DAYS_BEFORE)
    [mail] = _mails(app)
    links = _links(mail)
    assert [urlsplit(link).path for link in links] == [
        f"/insights/versions/{version_id}",
        f"/admin/modules/versions/{version_id}",
    ]
    client = make_client()
    client.sign_in(org.admin)
    assert [client.get(urlsplit(link).path).status_code for link in links] == [200, 200]


def test_the_owner_is_told_once_when_the_date_has_passed(app, owned):
    _run(app, SIXTY_DAYS_BEFORE)
    assert _run(app, REVIEW) == 0  # the review date itself is not yet passed
    assert _run(app, date(2027, 12, 2)) == 1
    assert _run(app, date(2028, 1, 2)) == 0
    assert _subjects(app) == [DUE_SUBJECT, PASSED_SUBJECT]
    with app.app_context():
        kinds = db.session.scalars(sa.select(ReviewReminder.kind).order_by(ReviewReminder.id))
        assert list(kinds) == ["due", "passed"]


def test_an_owner_named_after_the_date_gets_only_the_passed_reminder(app, owned):
    assert _run(app, date(2028, 3, 1)) == 1
    assert _subjects(app) == [PASSED_SUBJECT]


def test_a_module_without_an_owner_sends_nothing(app, version_id):
    assert _run(app, date(2027, 12, 2)) == 0
    assert read_mail(app) == ""


def test_an_inactive_owner_is_not_mailed(app, owned, org):
    with app.app_context():
        db.session.get(Person, org.nurse.id).active = False
        db.session.commit()
    assert _run(app, SIXTY_DAYS_BEFORE) == 0


def test_the_job_is_scheduled_daily(app):
    (job,) = [job for job in jobs(app) if job.id == "module-review"]
    assert job.function is send_review_reminders and job.trigger_for(app.config)["trigger"] == "cron"


# Naming the owner -------------------------------------------------------------------------------


def _set_owner(client, version_id: int, email: str):
    return client.submit(f"/admin/modules/versions/{version_id}/owner", {"email": email})


def _owner_id(app, version_id: int) -> int | None:
    with app.app_context():
        return db.session.get(ModuleVersion, version_id).module.owner_id


def test_a_municipality_admin_names_the_owner(app, version_id, make_client, org):
    client = make_client()
    client.sign_in(org.admin)
    response = _set_owner(client, version_id, "MONA@testvik.no")
    assert response.status_code == 302
    assert _owner_id(app, version_id) == org.manager.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mona Leder er eier av modulen." in page
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEntry).filter_by(action="module.owner"))
        assert event.details == {"owner_id": org.manager.id}


def test_an_empty_address_removes_the_owner(app, owned, make_client, org):
    client = make_client()
    client.sign_in(org.admin)
    assert _set_owner(client, owned, "").status_code == 302
    assert _owner_id(app, owned) is None


@pytest.mark.parametrize("email", ["ukjent@testvik.no", "uten-rolle@testvik.no", "ikke-epost"])
def test_an_owner_outside_the_municipality_is_refused(app, version_id, make_client, org, email):
    with app.app_context():
        from lms.organisation.services import create_person

        create_person("Uten Rolle", email="uten-rolle@testvik.no")
        db.session.commit()
    client = make_client()
    client.sign_in(org.admin)
    response = _set_owner(client, version_id, email)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page
    assert _owner_id(app, version_id) is None


@pytest.mark.parametrize("who", ["manager", "facilitator", "nurse", "unit_admin"])
def test_only_municipality_admins_name_owners(app, version_id, make_client, org, who):
    with app.app_context():
        add_person("Enhet Admin", "enhetsadmin@testvik.no", org.ward, Role.ADMIN)
        db.session.commit()
        unit_admin = db.session.scalar(sa.select(Person).filter_by(email="enhetsadmin@testvik.no"))
    person = unit_admin if who == "unit_admin" else getattr(org, who)
    client = make_client()
    client.sign_in(person)
    assert _set_owner(client, version_id, "nils@testvik.no").status_code == 403
    assert _owner_id(app, version_id) is None
    with app.app_context():
        assert db.session.scalar(sa.select(LearningModule.owner_id)) is None
