"""The mail outbox and privacy: a person's mail in "Mine data", deleted (or scrubbed) when they are
erased, and sent mail pruned after ``MAIL_KEEP_SENT_DAYS``."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from lms.db import utcnow
from lms.extensions import db
from lms.mail import outbox, queue_mail
from lms.mail.outbox import OutgoingMail
from lms.organisation.models import Person
from lms.privacy.services import erase


def test_mine_data_lists_the_mail_to_the_person(app, org, client):
    with app.app_context():
        queue_mail(org.nurse.email, "Din påminnelse", "Ta modulen")
        queue_mail(org.manager.email, "Til leder", "Ikke din")
        db.session.commit()
    client.sign_in(org.nurse)
    sections = json.loads(client.get("/account/data.json").get_data(as_text=True))["sections"]
    [mail] = sections["outgoing_mail"]
    assert (mail["subject"], mail["status"]) == ("Din påminnelse", "sent")


def test_erasing_a_person_deletes_their_mail_and_scrubs_them_from_the_rest(app, org, monkeypatch):
    with app.app_context():
        queue_mail(org.nurse.email, "Hei", "Til deg")
        queue_mail(org.manager.email, "Ukeoversikt", "Nils Sykepleier har ikke tatt modulen")
        db.session.commit()
        erase(db.session.get(Person, org.nurse.id), actor=None)
        db.session.commit()
        rows = db.session.scalars(sa.select(OutgoingMail)).all()
    assert [row.recipient for row in rows] == [org.manager.email]
    assert "Nils Sykepleier" not in rows[0].message and "nils@testvik.no" not in rows[0].message


def test_sent_mail_is_pruned_after_the_days_kept_and_the_rest_stays(app):
    with app.app_context():
        queue_mail("nils@testvik.no", "Hei", "Sendt")
        db.session.commit()
        db.session.add(
            OutgoingMail(
                recipient="mona@testvik.no",
                message="To: mona@testvik.no\n\nventer\n",
                created_at=utcnow() - timedelta(days=30),
                next_attempt_at=utcnow() - timedelta(days=30),
            )
        )
        db.session.commit()
        assert outbox.prune_sent(db.session, timedelta(days=7)) == 0
        assert outbox.prune_sent(db.session, timedelta(days=7), utcnow() + timedelta(days=8)) == 1
        left = db.session.scalars(sa.select(OutgoingMail.recipient)).all()
    assert left == ["mona@testvik.no"]
