"""Retention periods, applied by the nightly job, tested a second either side of each boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from lms.accounts.models import SignInLink
from lms.accounts.services import prune_sign_in_links
from lms.audit.models import AuditEntry
from lms.audit.services import record
from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.retention import apply_retention
from lms.reminders.models import Reminder
from lms.scheduler import jobs

NOW = datetime(2026, 11, 24, 3, 47, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _inactive(person_id: int, since: datetime) -> None:
    person = db.session.get(Person, person_id)
    person.active = False
    person.inactive_since = since


def test_making_someone_inactive_notes_when_and_active_again_clears_it(app, org):
    with app.app_context():
        person = db.session.get(Person, org.nurse.id)
        assert person.inactive_since is None
        person.active = False
        noted = person.inactive_since
        assert noted is not None
        person.active = False
        assert person.inactive_since == noted, "still inactive: the date stays"
        person.active = True
        assert person.inactive_since is None


def test_people_inactive_longer_than_the_period_are_erased(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_INACTIVE_DAYS", 730)
    with app.test_request_context():
        _inactive(org.nurse.id, NOW - timedelta(days=730))
        _inactive(org.assistant.id, NOW - timedelta(days=730) - SECOND)
        applied = apply_retention(NOW)
        assert applied.people_erased == 1
        assert db.session.get(Person, org.nurse.id).erased_at is None, "exactly the period: kept"
        erased = db.session.get(Person, org.assistant.id)
        assert erased.erased_at == NOW and erased.email is None
        assert db.session.get(Person, org.manager.id).erased_at is None, "active people stay"
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "retention.apply"))
        assert entry.actor_id is None and entry.details["people_erased"] == 1


def test_with_the_period_zero_nobody_is_erased(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_INACTIVE_DAYS", 0)
    with app.test_request_context():
        _inactive(org.nurse.id, NOW - timedelta(days=5000))
        assert apply_retention(NOW).people_erased == 0


def test_old_audit_entries_and_sent_reminders_are_deleted(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_AUDIT_DAYS", 100)
    monkeypatch.setitem(app.config, "RETENTION_REMINDER_DAYS", 30)
    with app.test_request_context():
        admin = db.session.get(Person, org.admin.id)
        kept = record(admin, "unit.update", "unit", 1, at=NOW - timedelta(days=100))
        record(admin, "unit.update", "unit", 2, at=NOW - timedelta(days=100) - SECOND)
        for n, sent in enumerate([NOW - timedelta(days=30), NOW - timedelta(days=30) - SECOND]):
            db.session.add(
                Reminder(
                    key=f"r{n}",
                    person_id=org.nurse.id,
                    kind="assignment",
                    stage="first",
                    subject="s",
                    url="/",
                    claimed_at=sent,
                    sent_at=sent,
                )
            )
        db.session.flush()
        applied = apply_retention(NOW)
        assert (applied.audit_entries_deleted, applied.reminders_deleted) == (1, 1)
        left = db.session.scalars(sa.select(AuditEntry.subject_id).order_by(AuditEntry.id)).all()
        assert left[0] == kept.subject_id == "1" and "2" not in left
        assert db.session.scalars(sa.select(Reminder.key)).all() == ["r0"]


def test_sign_in_links_are_kept_for_the_configured_days_after_expiry(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_SIGN_IN_LINK_DAYS", 3)
    with app.app_context():
        for n, expired in enumerate([NOW - timedelta(days=3), NOW - timedelta(days=3) - SECOND]):
            db.session.add(
                SignInLink(person_id=org.nurse.id, token_hash=f"{n:064d}", expires_at=expired)
            )
        db.session.flush()
        assert prune_sign_in_links(NOW) == 1
        assert db.session.scalars(sa.select(SignInLink.token_hash)).all() == [f"{0:064d}"]


def test_the_retention_job_runs_nightly(app):
    (job,) = [job for job in jobs(app) if job.id == "apply-retention"]
    assert job.function is apply_retention and job.trigger_for(app.config)["trigger"] == "cron"
