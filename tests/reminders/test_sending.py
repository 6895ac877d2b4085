"""Sending: the reminder job claims each key once, sends on the chosen channels, snoozes to the next
suitable time, leaves an interrupted send alone, and mails managers a weekly digest."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from lms.assignments.services import assign_to_person
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Person
from lms.reminders import channels, digest, sending, services
from lms.reminders.models import PushSubscription, Reminder, ReminderPreference
from lms.shifts.services import add_shift
from tests.conftest import read_mail

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = date(2026, 3, 23)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def day_shifts(person: Person, first: date, days: int) -> None:
    for n in range(days):
        add_shift(person, first + timedelta(days=n), time(7, 30), time(15, 30))


@pytest.fixture
def assigned(app, org, fixture_module):
    """Nils has day shifts all week and a module due on Friday 3 April, assigned a week before."""
    with app.app_context():
        nurse = db.session.merge(org.nurse)
        day_shifts(nurse, MONDAY, 7)
        assignment = assign_to_person(fixture_module, nurse, date(2026, 4, 3))
        assignment.created_at = at(MONDAY, 0) - timedelta(days=1)
        db.session.commit()
    return fixture_module


def reminders(app) -> list[Reminder]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Reminder).order_by(Reminder.id)))


def run_week(app, start: datetime, days: int = 7, step=timedelta(minutes=30)) -> list[str]:
    sent = []
    with app.app_context():
        now = start
        while now < start + timedelta(days=days):
            sent += sending.tick(now).sent
            now += step
        db.session.commit()
    return sent


def test_a_week_of_ticks_sends_in_the_learning_window_once_each(app, org, assigned):
    sent = run_week(app, at(MONDAY, 0))
    assert sent == [
        f"a:{org.nurse.id}:{assigned}:2026-04-03:opens",
        f"a:{org.nurse.id}:{assigned}:2026-04-03:week",
    ]
    rows = reminders(app)
    times = [r.claimed_at.astimezone(OSLO).strftime("%a %H:%M") for r in rows]
    assert times == ["Mon 13:30", "Fri 13:30"]
    assert all(r.sent_at is not None and r.channels == "in_app,email" for r in rows)
    mail = read_mail(app)
    assert mail.count("To: nils@testvik.no") == 2
    assert f"http://localhost/learn/{assigned}" in mail

    assert run_week(app, at(MONDAY, 0)) == [], "running the same week again sends nothing"
    assert len(reminders(app)) == 2


def test_nothing_once_the_item_is_done(app, org, assigned):
    with app.app_context():
        from lms.content.services import current_version

        version = current_version(assigned)
        db.session.add(
            Attempt(
                person_id=org.nurse.id,
                module_id=assigned,
                version_id=version.id,
                completed_at=at(MONDAY, 9),
                passed=True,
                outcome="passed",
            )
        )
        db.session.commit()
    assert run_week(app, at(MONDAY, 0)) == []


def test_a_claimed_key_is_not_sent_by_another_process(app, org, assigned):
    with app.app_context():
        key = f"a:{org.nurse.id}:{assigned}:2026-04-03:opens"
        message = channels.Message("x", "y", "http://localhost/")
        first = sending.claim(key, org.nurse.id, "assignment", "opens", message, at(MONDAY, 13, 30))
        second = sending.claim(key, org.nurse.id, "assignment", "opens", message, at(MONDAY, 13, 30))
        assert first is not None and second is None
        db.session.commit()
    assert run_week(app, at(MONDAY, 0), days=1) == []


def test_a_crash_between_claim_and_send_sends_nothing_again(app, org, assigned, monkeypatch):
    def crash(*_args, **_kwargs):
        raise SystemExit("killed while sending")

    monkeypatch.setattr(sending, "deliver", crash)
    with pytest.raises(SystemExit), app.app_context():
        sending.tick(at(MONDAY, 13, 30))
    monkeypatch.undo()
    [claimed] = reminders(app)
    assert claimed.sent_at is None
    assert run_week(app, at(MONDAY, 13, 30), days=1) == []
    assert read_mail(app) == ""
    with app.app_context():
        assert [r.key for r in services.interrupted(at(MONDAY, 14))] == [claimed.key]


def test_quiet_hours_and_channels_from_preferences(app, org, assigned):
    with app.app_context():
        nurse = db.session.merge(org.nurse)
        nurse.phone = "+47 912 34 567"
        db.session.add(
            ReminderPreference(
                person_id=nurse.id,
                email=False,
                sms=True,
                push=False,
                quiet_start=time(13, 0),
                quiet_end=time(14, 0),
                night_ok=False,
            )
        )
        db.session.commit()
    sent = run_week(app, at(MONDAY, 0), days=1)
    assert len(sent) == 1
    [row] = reminders(app)
    assert row.claimed_at.astimezone(OSLO).strftime("%H:%M") == "14:00", "after the quiet hour"
    assert row.channels == "in_app,sms"
    assert read_mail(app) == ""
    log = (app.config["INSTANCE_PATH"] / "sms.log").read_text(encoding="utf-8").splitlines()
    assert json.loads(log[-1])["to"] == "+47 912 34 567"
    (app.config["INSTANCE_PATH"] / "sms.log").unlink()


def test_snooze_to_the_next_suitable_time(app, org, assigned, client):
    run_week(app, at(MONDAY, 0), days=1)
    [first] = reminders(app)
    client.sign_in(org.nurse)
    page = client.get("/reminders/").get_data(as_text=True)
    assert first.subject in page
    with app.app_context():
        row = db.session.get(Reminder, first.id)
        until = services.snooze(row, at(MONDAY, 13, 40))
        db.session.commit()
    assert until.astimezone(OSLO).strftime("%a %H:%M") == "Tue 13:30", "the next day's window"
    assert run_week(app, at(MONDAY, 14), days=1) == [f"{first.key}:snooze1"]
    assert run_week(app, at(MONDAY, 14), days=1) == []
    assert read_mail(app).count("To: nils@testvik.no") == 2


def test_a_snoozed_reminder_of_a_done_item_does_not_come_back(app, org, assigned):
    run_week(app, at(MONDAY, 0), days=1)
    [first] = reminders(app)
    with app.app_context():
        services.snooze(db.session.get(Reminder, first.id), at(MONDAY, 13, 40))
        from lms.content.services import current_version

        db.session.add(
            Attempt(
                person_id=org.nurse.id,
                module_id=assigned,
                version_id=current_version(assigned).id,
                completed_at=at(MONDAY, 15),
                passed=True,
                outcome="passed",
            )
        )
        db.session.commit()
    assert run_week(app, at(MONDAY, 14), days=2) == []
    assert read_mail(app).count("To: nils@testvik.no") == 1


def test_snooze_button_is_for_the_owner_only(app, org, assigned, client, make_client):
    run_week(app, at(MONDAY, 0), days=1)
    [first] = reminders(app)
    other = make_client()
    other.sign_in(org.assistant)
    assert other.submit(f"/reminders/{first.id}/snooze").status_code == 404
    client.sign_in(org.nurse)
    response = client.submit(f"/reminders/{first.id}/snooze", follow_redirects=True)
    assert "Du får påminnelsen igjen" in response.get_data(as_text=True)


def test_managers_get_a_weekly_digest_once(app, org, fixture_module):
    with app.app_context():
        nurse = db.session.merge(org.nurse)
        assign_to_person(fixture_module, nurse, date(2026, 3, 20))  # overdue on Monday 23 March
        db.session.commit()
    sent = run_week(app, at(MONDAY, 0), days=1, step=timedelta(hours=1))
    digests = [key for key in sent if key.startswith("digest:")]
    assert digests == [f"digest:{org.manager.id}:2026-W13"]
    mail = read_mail(app)
    assert "Ukeoversikt: 1 forfalt" in mail and "Nils Sykepleier" in mail
    [digest] = [r for r in reminders(app) if r.kind == "digest"]
    assert digest.claimed_at.astimezone(OSLO).strftime("%a %H:%M") == "Mon 07:00"
    assert not digest.counts_to_cap


def test_web_push_with_vapid_keys_made_once(app, org, assigned, monkeypatch, client):
    pushed = []
    monkeypatch.setattr(channels, "send_push", lambda info, message: pushed.append((info, message)))
    client.sign_in(org.nurse)
    key = client.get("/reminders/push/key").get_json()["publicKey"]
    assert key == client.get("/reminders/push/key").get_json()["publicKey"], "made once, kept"
    assert (app.config["INSTANCE_PATH"] / "vapid_private.pem").stat().st_mode & 0o777 == 0o600
    token = client.csrf_token()
    response = client.post(
        "/reminders/push/subscriptions",
        json={"endpoint": "https://push.example/abc", "keys": {"p256dh": "p", "auth": "a"}},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
    run_week(app, at(MONDAY, 0), days=1)
    assert [info["endpoint"] for info, _ in pushed] == ["https://push.example/abc"]
    assert pushed[0][1].url.startswith("http://localhost/learn/")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 1


def test_preferences_and_policy_pages(app, org, client, make_client):
    client.sign_in(org.nurse)
    page = client.get("/reminders/preferences").get_data(as_text=True)
    assert "<h1>" in page
    for name in ("email", "push", "sms", "quiet_start", "quiet_end", "night_ok"):
        assert f'<label for="{name}"' in page
    response = client.submit(
        "/reminders/preferences",
        {"email": "y", "quiet_start": "21:00", "quiet_end": "09:00"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    with app.app_context():
        stored = db.session.get(ReminderPreference, org.nurse.id)
        assert (stored.quiet_start, stored.quiet_end, stored.sms) == (time(21), time(9), False)
    assert client.get(f"/reminders/units/{org.ward.id}/policy").status_code == 403
    client = make_client()
    client.sign_in(org.manager)
    assert client.get(f"/reminders/units/{org.ward.id}/policy").status_code == 200
    response = client.submit(
        f"/reminders/units/{org.ward.id}/policy",
        {
            "day_offset": "5",
            "evening_offset": "3",
            "night_offset": "2",
            "long_offset": "4",
            "length": "45",
            "weekly_cap": "3",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        policy = services.policy_for(org.nurse.id)
        assert policy.weekly_cap == 3
        assert policy.windows["day"].offset == timedelta(hours=5)


def test_the_digest_names_required_competence_running_out(app, org):
    from lms.competence import services as competence
    from lms.competence.models import EvidenceKind

    today = date(2026, 3, 23)
    with app.app_context():
        framework = competence.load_shipped()[0]
        skill = framework.competences[0]
        competence.add_requirement(skill, db.session.merge(org.ward), 1, validity_months=12)
        competence.record_evidence(
            org.nurse.id,
            skill,
            1,
            EvidenceKind.CERTIFICATE,
            achieved_at=at(today, 9) - timedelta(days=350),
            valid_until=at(today, 9) + timedelta(days=15),
        )
        competence.refresh(now=at(today, 9))
        lines = digest.digest_lines(db.session.merge(org.manager), today)
        assert [(line.person_name, line.due_on) for line in lines] == [
            ("Nils Sykepleier", today + timedelta(days=15))
        ]
        assert lines[0].title == skill.titles["nb"]
