"""Short-term accounts: from the end date on, no way in; the daily job ends the account once."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.accounts import codes
from lms.accounts.ending import end_accounts
from lms.accounts.models import SignInSession
from lms.accounts.services import create_sign_in_link
from lms.audit.models import AuditEntry
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person
from lms.sso import services as sso
from lms.sso.models import SsoIdentity
from tests.accounts.sms_support import VIKAR_PHONE, add_vikar, sms_log_size
from tests.reports.test_reports import requirements  # noqa: F401 (a fixture)
from xapi.outbox import outbox


def end_today(app, person_id: int, days_from_today: int = 0) -> None:
    with app.app_context():
        person = db.session.get(Person, person_id)
        person.ends_on = local_today() + timedelta(days=days_from_today)
        db.session.commit()


def test_the_day_before_the_end_date_the_password_still_works(app, client, org):
    end_today(app, org.nurse.id, days_from_today=1)
    assert client.sign_in(org.nurse).status_code == 302


def test_an_ended_account_cannot_sign_in_with_its_password(app, client, org):
    end_today(app, org.nurse.id)
    assert client.sign_in(org.nurse).status_code == 401
    assert "Logg inn" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_an_ended_account_gets_no_link_and_cannot_use_one_it_had(app, client, org):
    with app.app_context():
        token = create_sign_in_link(db.session.get(Person, org.nurse.id), timedelta(minutes=15))
        db.session.commit()
    end_today(app, org.nurse.id)
    mail_log = app.config["INSTANCE_PATH"] / "mail.log"
    client.submit("/login/link", {"email": org.nurse.email})
    assert not mail_log.exists() or "nils@testvik.no" not in mail_log.read_text(encoding="utf-8")
    assert client.get(f"/login/link/{token}").status_code == 401
    assert client.submit(f"/login/link/{token}").status_code == 401


def test_an_ended_account_gets_no_sms_code_and_cannot_use_one_it_had(app, client, org):
    vikar = add_vikar(app, org.ward)
    with app.app_context():
        code = codes.issue_sms_code(db.session.get(Person, vikar.id))
        db.session.commit()
    end_today(app, vikar.id)
    before = sms_log_size(app)
    assert client.submit("/login/sms", {"phone": "912 34 567"}).status_code == 302
    assert sms_log_size(app) == before
    assert client.submit("/login/sms/code", {"code": code}).status_code == 401
    with app.app_context():
        assert codes.redeem_sms_code(VIKAR_PHONE, code) is None


def test_an_ended_account_cannot_use_a_printed_code(app, client, org):
    with app.app_context():
        made = codes.issue_printed_code(
            db.session.get(Person, org.nurse.id), db.session.get(Person, org.manager.id)
        )
        db.session.commit()
    end_today(app, org.nurse.id)
    answer = client.submit("/login/code", {"code": made.code})
    assert answer.status_code == 401
    assert "Koden er feil, brukt eller utløpt." in answer.get_data(as_text=True)


def test_an_ended_account_cannot_sign_in_by_single_sign_on(app, org):
    with app.app_context():
        db.session.add(SsoIdentity(person_id=org.nurse.id, issuer="https://idp", subject="nils"))
        db.session.commit()
    end_today(app, org.nurse.id)
    with app.app_context(), pytest.raises(sso.AccountClosed):
        sso.person_for_claims("https://idp", {"sub": "nils"})


def test_an_ended_account_is_not_linked_by_its_verified_email(app, org):
    end_today(app, org.nurse.id)
    claims = {"sub": "new", "email": "nils@testvik.no", "email_verified": True}
    with app.app_context(), pytest.raises(sso.AccountClosed):
        sso.person_for_claims("https://idp", claims, create_people=True)


def test_an_existing_session_ends_at_its_next_request(app, client, org):
    client.sign_in(org.nurse)
    assert "Hei, Nils Sykepleier" in client.get("/").get_data(as_text=True)
    end_today(app, org.nurse.id)
    answer = client.get("/")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]


def test_the_daily_job_ends_the_account_once_with_audit_and_statement(app, client, org):
    client.sign_in(org.nurse)
    end_today(app, org.nurse.id)
    with app.app_context():
        ended = end_accounts()
        assert [p.id for p in ended] == [org.nurse.id]
        db.session.commit()
        assert end_accounts() == [], "an ended account is ended once"
        nurse = db.session.get(Person, org.nurse.id)
        assert nurse.active is False and nurse.inactive_since is not None
        sessions = sa.select(SignInSession).filter_by(person_id=org.nurse.id)
        assert db.session.scalars(sessions).all() == []
        entries = db.session.scalars(sa.select(AuditEntry).filter_by(action="person.end")).all()
        assert [(e.subject_id, e.actor_id) for e in entries] == [(str(org.nurse.id), None)]
        statements = [json.loads(s) for s in db.session.scalars(sa.select(outbox.c.statement))]
    ends = [s for s in statements if s["verb"]["id"].endswith("/terminated")]
    assert len(ends) == 1
    assert ends[0]["actor"]["account"]["name"] == nurse.uuid
    assert ends[0]["object"]["id"] == "http://localhost/xapi/activities/account"


def test_the_job_leaves_accounts_ending_later_alone(app, org):
    end_today(app, org.nurse.id, days_from_today=7)
    with app.app_context():
        assert end_accounts() == []
        assert db.session.get(Person, org.nurse.id).active is True


@pytest.mark.usefixtures("requirements")
def test_an_ended_person_drops_out_of_the_unit_matrix(app, client, org):
    client.sign_in(org.manager)
    url = f"/reports/units/{org.ward.id}/matrix"
    assert "Nils Sykepleier" in client.get(url).get_data(as_text=True)
    end_today(app, org.nurse.id)
    page = client.get(url).get_data(as_text=True)
    assert "Nils Sykepleier" not in page
    assert "Mona Leder" in page


def test_the_admin_sets_an_end_date_on_the_person_page(app, client, org):
    client.sign_in(org.admin)
    page = client.get(f"/admin/people/{org.nurse.id}").get_data(as_text=True)
    assert "Kontoen stenges fra" in page
    with app.app_context():
        day = local_today() + timedelta(days=7)
    answer = client.submit(
        f"/admin/people/{org.nurse.id}",
        {
            "name": "Nils Sykepleier",
            "email": "nils@testvik.no",
            "phone": "",
            "job_title": "sykepleier",
            "ends_on": day.isoformat(),
            "active": "y",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Person, org.nurse.id).ends_on == day
        entry = db.session.scalars(sa.select(AuditEntry).filter_by(action="person.update")).one()
        assert entry.details["ends_on"] == day.isoformat()


def test_the_admin_page_names_a_bad_phone_number_and_stores_a_good_one_in_e164(app, client, org):
    client.sign_in(org.admin)
    fields = {"name": "Nils Sykepleier", "email": "nils@testvik.no", "job_title": "", "active": "y"}
    bad = client.submit(f"/admin/people/{org.nurse.id}", {**fields, "phone": "12 34"})
    assert bad.status_code == 422
    assert re.search(r"«12 34» er ikke et gyldig telefonnummer", bad.get_data(as_text=True))
    good = client.submit(f"/admin/people/{org.nurse.id}", {**fields, "phone": "0047 412 34 567"})
    assert good.status_code == 302
    with app.app_context():
        assert db.session.get(Person, org.nurse.id).phone == "+4741234567"


def _person_fields(**changes) -> dict:
    fields = {"name": "Nils Sykepleier", "email": "nils@testvik.no", "phone": "", "job_title": ""}
    return {**fields, "active": "y", **changes}


def test_an_active_person_cannot_get_an_end_date_that_has_passed(app, client, org):
    client.sign_in(org.admin)
    with app.app_context():
        yesterday = (local_today() - timedelta(days=1)).isoformat()
    answer = client.submit(f"/admin/people/{org.nurse.id}", _person_fields(ends_on=yesterday))
    assert answer.status_code == 422
    assert "Datoen er passert." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Person, org.nurse.id).ends_on is None


def test_an_admin_cannot_give_themselves_an_end_date(app, client, org):
    client.sign_in(org.admin)
    fields = _person_fields(name="Ada Admin", email="admin@testvik.no", ends_on="2099-01-01")
    answer = client.submit(f"/admin/people/{org.admin.id}", fields)
    assert answer.status_code == 422
    assert "Du kan ikke sette sluttdato for deg selv." in answer.get_data(as_text=True)


def test_a_failing_sms_gateway_gives_the_same_answer(app, client, org, monkeypatch):
    add_vikar(app, org.ward)

    def broken(_number, _text):
        raise ConnectionError("gateway down")

    monkeypatch.setattr("lms.accounts.views.send_sms", broken)
    answer = client.submit("/login/sms", {"phone": "912 34 567"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/login/sms/code")
