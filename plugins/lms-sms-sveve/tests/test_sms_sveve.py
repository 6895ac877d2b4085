"""The Sveve plugin through Lærevakt's public interface: enabled by setting, its page, its command,
its scheduled job, its gateway and its privacy receivers, against a fake of Sveve's API."""

from __future__ import annotations

import pytest

from lms.extensions import db
from lms.feature import FeatureError
from lms.organisation.models import Person
from lms.scheduler import jobs
from lms.signals import personal_data_requested, sms_gateways, values_from_signal
from lms.sms import UnknownSmsGateway, sms_gateway

PAGE = "/admin/sms-sveve/"


def test_installed_but_not_enabled_the_plugin_adds_nothing(make_app):
    app = make_app(SMS_GATEWAY="sveve")
    assert app.test_client().get(PAGE).status_code == 404
    assert "sms-sveve" not in app.cli.commands
    assert "sms-sveve-balance" not in {job.id for job in jobs(app)}
    provided = {name for found in values_from_signal(sms_gateways.send(app)) for name in found}
    assert provided == {"log"}
    with app.app_context(), pytest.raises(UnknownSmsGateway, match=r"'sveve'.*provided: log"):
        sms_gateway()


def test_a_misspelt_plugin_name_stops_the_app_and_names_the_installed_ones(make_app):
    with pytest.raises(FeatureError, match=r"'sms-sveeve'.*installed: .*sms-sveve"):
        make_app(PLUGINS="sms-sveeve")


def test_enabled_it_adds_the_sveve_gateway_which_sends_in_e164(app, sveve):
    provided = {name for found in values_from_signal(sms_gateways.send(app)) for name in found}
    assert provided == {"log", "sveve"}
    with app.app_context():
        ids = sms_gateway().send("912 34 567", "Husk modulen om smittevern")
    assert ids == [1]
    (message,) = sveve.sent
    assert message["to"] == "+4791234567" and message["msg"] == "Husk modulen om smittevern"
    assert (message["user"], message["from"]) == ("fjordvik", "Laerevakt")


def test_the_page_is_for_municipality_admins_only(app, client, people):
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    client.sign_in("leder@fjordvik.no")
    assert client.get(PAGE).status_code == 403
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.sign_in("admin@fjordvik.no")
    page = client.get(PAGE).get_data(as_text=True)
    assert "SMS gjennom Sveve" in page and "Går gjennom Sveve." in page
    assert "Ikke sjekket ennå" in page and '<dd id="sent-today">0 meldinger</dd>' in page


def test_the_test_sms_form_sends_and_counts_it(app, client, people, sveve):
    client.sign_in("admin@fjordvik.no")
    response = client.submit(PAGE, {"phone": "+47 912 34 567"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Test-SMS sendt til +4791234567." in page
    assert '<dd id="sent-today">1 melding</dd>' in page
    assert [m["to"] for m in sveve.sent] == ["+4791234567"]


def test_a_bad_number_is_named_and_nothing_is_sent(app, client, people, sveve):
    client.sign_in("admin@fjordvik.no")
    response = client.submit(PAGE, {"phone": "12345"})
    assert response.status_code == 400
    assert "«12345» er ikke et gyldig mobilnummer." in response.get_data(as_text=True)
    assert sveve.sent == []


def test_the_form_without_its_csrf_token_is_refused(app, client, people, sveve):
    client.sign_in("admin@fjordvik.no")
    assert client.post(PAGE, data={"phone": "+4791234567"}).status_code == 400
    assert sveve.sent == []


def test_the_page_is_in_english_for_an_english_reader(app, client, people):
    client.sign_in("admin@fjordvik.no")
    client.set_cookie("lang", "en")
    page = client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "SMS through Sveve" in page and "Send a test SMS" in page


def test_the_command_sends_a_test_sms(app, sveve):
    result = app.test_cli_runner().invoke(args=["sms-sveve", "send-test", "+4791234567"])
    assert result.exit_code == 0, result.output
    assert "sent; Sveve's message ids: 1" in result.output
    assert sveve.sent[0]["msg"].startswith("Test fra Lærevakt")


def test_the_command_says_what_sveve_refused(make_app, sveve):
    app = make_app(PLUGINS="sms-sveve", SVEVE_URL=sveve.url, SVEVE_USER="feil")
    result = app.test_cli_runner().invoke(args=["sms-sveve", "send-test", "+4791234567"])
    assert result.exit_code == 1
    assert "Sveve did not send it: Feil brukernavn/passord" in result.output


def test_the_hourly_job_checks_the_balance_for_the_page(app, client, people, sveve):
    (job,) = [job for job in jobs(app) if job.id == "sms-sveve-balance"]
    assert job.trigger_for(app.config) == {"trigger": "interval", "hours": 1}
    sveve.remaining = 317
    with app.app_context():
        job.function()
    client.sign_in("admin@fjordvik.no")
    assert "<dd>317" in client.get(PAGE).get_data(as_text=True)


def test_the_sms_sent_to_a_person_are_in_their_personal_data(app, people, sveve):
    with app.app_context():
        sms_gateway().send("+4791234567", "Påminnelse")
        sms_gateway().send("+4798765432", "Til en annen")
        nurse = db.session.get(Person, people.nurse)
        sections = [
            s
            for found in values_from_signal(personal_data_requested.send(app, person=nurse))
            for s in found
        ]
    (section,) = [s for s in sections if s.key == "sms_sveve"]
    assert [record["to"] for record in section.records] == ["+4791234567"]
    assert section.records[0]["sveve_ids"] == [1]
