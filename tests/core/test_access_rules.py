"""Every route declares who may use it, and the rules hold for staff, managers and strangers."""

import pytest
from werkzeug.routing import IntegerConverter

from lms.access import can_act_on_person, can_act_on_unit
from lms.extensions import db

PUBLIC_ENDPOINTS = {
    "static",
    "core.health",
    "core.web_app_manifest",
    "accounts.sign_in",
    "accounts.request_link",
    "accounts.use_link",
    "accounts.request_sms_code",
    "accounts.use_sms_code",
    "accounts.use_printed_code",
    "accounts.sign_out",
    "accounts.set_language",
    "privacy.privacy_statement",
    "privacy.accessibility_statement",
    # Single sign-on: starting it and the provider's redirect back (404 when not configured).
    "sso.start",
    "sso.callback",
    # The built-in LRS: xAPI clients carry no session cookie or CSRF token, so at the web-session
    # level these are public; the LRS itself refuses every request but /xapi/about without valid
    # HTTP Basic credentials (401), see tests/xapi/lrs/test_api.py.
    "xapi_lrs.about",
    "xapi_lrs.statements",
    "xapi_lrs.state",
    "xapi_lrs.activity_profile",
    "xapi_lrs.agent_profile",
    "xapi_lrs.activities",
    "xapi_lrs.agents",
    # The API's OpenAPI document describes the API and holds no data.
    "api.openapi",
    # A group run's phones poll and fetch their new card with a signed token (403 without a valid
    # one, see tests/groups/test_live.py and test_live_card.py); the short join address only
    # redirects to the join page.
    "groups.live_state",
    "groups.live_card_fragment",
    "groups.short_join",
    # Mikrobevis: anyone checks a credential (an upload, or a share link its owner can turn off; a
    # guessed token gives 404), and the issuers' DID documents, status lists and achievement
    # descriptions are what verifiers elsewhere fetch (docs/credentials.md).
    "credentials.check",
    "credentials.shared",
    "credentials.did_document",
    "credentials.status_list",
    "credentials.achievement",
}


def sample_url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if isinstance(converter, IntegerConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def test_every_endpoint_declares_an_access_rule(app):
    unguarded = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not getattr(app.view_functions[rule.endpoint], "access_rule", None)
    ]
    assert unguarded == []


def test_only_the_known_endpoints_are_public(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].access_rule == "public"
    }
    assert public == PUBLIC_ENDPOINTS


def is_api(app, rule) -> bool:
    return app.view_functions[rule.endpoint].access_rule.startswith("api:")


def test_every_non_public_page_sends_a_stranger_to_sign_in(app, client):
    """Every method of every page, a POST with a valid CSRF token (as a browser holding a form from
    the sign-in page would send it), so that the answer is the access rule's and not the CSRF
    check's: a route that lost its rule would answer something other than a redirect to sign-in."""
    token = client.csrf_token()
    tried = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or is_api(app, rule):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method != "GET" else None
            response = client.open(sample_url(rule), method=method, data=data)
            assert response.status_code == 302, (method, rule.rule, response.status_code)
            assert "/login" in response.headers["Location"], (method, rule.rule)
            tried += method != "GET"
    assert tried >= 40


def test_every_api_operation_refuses_a_stranger_in_json_even_when_signed_in(app, client, org):
    """The API takes only a key: no key is 401, and the session cookie of a signed-in admin counts
    for nothing."""
    client.sign_in(org.admin)
    api_rules = [rule for rule in app.url_map.iter_rules() if is_api(app, rule)]
    assert len(api_rules) >= 10
    for rule in api_rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(sample_url(rule), method=method, json={})
            assert response.status_code == 401, (method, rule.rule)
            assert response.json["error"]["message"], rule.rule


def test_an_endpoint_without_a_rule_is_refused(app, client, org):
    app.view_functions["core.home"].access_rule, saved = None, "signed_in"
    try:
        client.sign_in(org.nurse)
        assert client.get("/").status_code == 403
    finally:
        app.view_functions["core.home"].access_rule = saved


def test_staff_cannot_open_another_persons_page(client, org):
    client.sign_in(org.nurse)
    assert client.get(f"/people/{org.nurse.id}").status_code == 200
    response = client.get(f"/people/{org.assistant.id}")
    assert response.status_code == 403
    assert "Ingen tilgang" in response.get_data(as_text=True)


def test_staff_cannot_open_their_own_units_page(client, org):
    client.sign_in(org.nurse)
    assert client.get(f"/units/{org.ward.id}").status_code == 403


def test_a_manager_opens_their_unit_and_sees_its_people(client, org):
    client.sign_in(org.manager)
    page = client.get(f"/units/{org.ward.id}").get_data(as_text=True)
    assert "Sjøgløtt sykehjem, 2. etasje" in page
    assert "Nils Sykepleier" in page
    assert "Aisha Assistent" not in page


def test_a_manager_gets_403_on_a_unit_that_is_not_theirs(client, org):
    client.sign_in(org.manager)
    assert client.get(f"/units/{org.zone.id}").status_code == 403
    assert client.get(f"/units/{org.area.id}").status_code == 403
    assert client.get(f"/people/{org.assistant.id}").status_code == 403


def test_a_manager_sees_people_in_their_unit(client, org):
    client.sign_in(org.manager)
    page = client.get(f"/people/{org.nurse.id}").get_data(as_text=True)
    assert "nils@testvik.no" in page


@pytest.mark.parametrize(
    ("who", "unit", "expected"),
    [
        ("admin", "other_unit", True),
        ("admin", "ward", True),
        ("manager", "ward", True),
        ("manager", "zone", False),
        ("manager", "municipality", False),
        ("facilitator", "zone", True),
        ("facilitator", "ward", False),
        ("nurse", "ward", False),
    ],
)
def test_leaders_act_on_their_units_and_those_below(app, org, who, unit, expected):
    with app.test_request_context():
        person = db.session.merge(getattr(org, who))
        assert can_act_on_unit(person, getattr(org, unit).id) is expected


def test_a_unit_leader_acts_on_the_people_below_and_staff_only_on_themselves(app, org):
    with app.test_request_context():
        admin, manager, nurse = (db.session.merge(p) for p in (org.admin, org.manager, org.nurse))
        assert can_act_on_person(admin, org.outsider.id)
        assert can_act_on_person(manager, org.nurse.id)
        assert not can_act_on_person(manager, org.outsider.id)
        assert can_act_on_person(nurse, org.nurse.id)
        assert not can_act_on_person(nurse, org.manager.id)


def test_the_unit_page_runs_the_same_number_of_queries_for_more_people(app, client, org, count_queries):
    from lms.organisation.models import Role
    from tests.conftest import add_person

    client.sign_in(org.manager)
    with count_queries() as few:
        assert client.get(f"/units/{org.ward.id}").status_code == 200
    with app.app_context():
        ward = db.session.merge(org.ward)
        for n in range(25):
            add_person(f"Person {n}", f"p{n}@testvik.no", ward, Role.STAFF, "assistent")
        db.session.commit()
    with count_queries() as many:
        page = client.get(f"/units/{org.ward.id}").get_data(as_text=True)
    assert "Person 24" in page
    assert many.n == few.n
