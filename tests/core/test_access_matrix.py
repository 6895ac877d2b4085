"""The access matrix: every route whose rule depends on where the actor stands, for GET (the read
side: a person sees only what their role and units allow, exports included) and for each
state-changing method, tried by an admin, a manager, a facilitator and a staff member of the
target's unit, of a child unit, of a sibling and of the parent (the top unit), against a target
holding roles on one unit and one holding roles on two. What each cell expects comes from the
route's declared rule and the table in ``lms.access_matrix``; nothing here lists routes by hand, so
a new route is tried as it appears. The decorators answer 403 whatever the method, so a GET is
kept out as a POST is.

"Let in" means the request got past the access rule: not 401, 403 or 404, no redirect to sign-in,
no 500 (a 200, a 302 elsewhere, or a 400/422 from the form's own checks are all fine). "Kept out"
means exactly 403.

Beside the table, from the same world: a route of the table that names a record beside its target
is asked with a record of the sibling unit (404 or 403); an ``owner:`` route answers 404 to anyone
but the owner; a ``signed_in`` route that takes an id lets in whom its docstring says.

The API's operations (``lms.api.registry``) are tried by keys: one holding the operation's scope is
let in, one holding every other scope gets 403.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.access_matrix import TABLE, Standing, lets_in, rule_kind
from lms.api import keys
from lms.api.registry import OPERATIONS, PREFIX
from lms.competence import services as competence
from lms.content.services import install
from lms.credentials import issuing
from lms.credentials.document import Achievement
from lms.credentials.models import CredentialKind
from lms.extensions import db
from lms.groups import services as groups
from lms.introduction import services as introduction
from lms.introduction.models import DueRule, ItemKind
from lms.learning import services as learning
from lms.learning.models import Answer
from lms.organisation.models import Person, Role, Unit, UnitKind
from lms.organisation.services import create_unit, grant_role
from lms.planning import surveys
from lms.practice.models import PracticeFollowUp
from lms.reminders.models import Reminder
from lms.shifts.services import add_feed
from lms.workshops import actions, planning
from tests.conftest import FIXTURE_MODULE, PASSWORD, add_person, app_config
from tests.support.frameworks import import_test_framework
from xapi.db import utcnow
from xapi.lrs import credentials

PARENTS = {"P": None, "A": "P", "B": "P", "A1": "A"}
"""The organisation: P on top, A and B below it (siblings), A1 below A."""
TARGET_UNIT = "A"
ACTOR_UNITS = ("A", "A1", "B", "P")
"""The target's unit, a child of it, a sibling and the parent."""
ACTOR_ROLES = (Role.ADMIN, Role.MANAGER, Role.FACILITATOR, Role.STAFF)
TARGETS = {
    "on-A": (("A", Role.STAFF),),
    "on-A-and-B": (("A", Role.STAFF), ("B", Role.MANAGER)),
}
STATE_CHANGING = {"POST", "PUT", "DELETE"}
TRIED_METHODS = STATE_CHANGING | {"GET"}
URL_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")
PERSON_KINDS = {"person", "account"}


def ancestors(unit: str) -> list[str]:
    found = []
    while (unit := PARENTS[unit]) is not None:
        found.append(unit)
    return found


def standing(actor_unit: str, target_unit: str) -> Standing:
    if actor_unit == target_unit:
        return Standing.SAME
    if actor_unit in ancestors(target_unit):
        return Standing.ABOVE
    if target_unit in ancestors(actor_unit):
        return Standing.BELOW
    return Standing.BESIDE


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str
    access_rule: str
    access_roles: frozenset

    @property
    def kind(self) -> str:
        return rule_kind(self.access_rule)

    @property
    def target_arg(self) -> str | None:
        return self.access_rule.partition(":")[2] or None

    @property
    def arguments(self) -> list[str]:
        return [name for _converter, name in URL_ARGUMENT.findall(self.rule)]


@cache
def url_map_routes() -> tuple[Route, ...]:
    """Every route of a fresh app's URL map, once per method (GET and the state-changing ones)."""
    app = create_app(app_config(Path(tempfile.mkdtemp()), "sqlite://"))
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods & TRIED_METHODS):
            roles = getattr(view, "access_roles", frozenset())
            routes.append(Route(rule.endpoint, rule.rule, method, view.access_rule, roles))
    return tuple(sorted(routes, key=lambda r: (r.endpoint, r.method)))


def matrix_routes() -> list[Route]:
    """Every route whose rule is in the table."""
    return [route for route in url_map_routes() if route.kind in TABLE]


def cells():
    """One cell per state-changing route, actor and target: each with a world of its own, since
    what the request changes must not reach the next."""
    for route in matrix_routes():
        if route.method not in STATE_CHANGING:
            continue
        targets = TARGETS if route.kind in PERSON_KINDS else ("on-A",)
        for target in targets:
            for unit in ACTOR_UNITS:
                for role in ACTOR_ROLES:
                    yield pytest.param(
                        route,
                        role,
                        unit,
                        target,
                        id=f"{route.method} {route.endpoint}-{role.value}@{unit}-{target}",
                    )


def reading_actors():
    """One world per actor and target for the GET routes, which change nothing: every route that
    applies to the target is asked in it."""
    for target in TARGETS:
        for unit in ACTOR_UNITS:
            for role in ACTOR_ROLES:
                yield pytest.param(role, unit, target, id=f"{role.value}@{unit}-{target}")


QUERY_VARIANTS = {"reports.audit": ("format=csv",)}
"""GET routes whose query string makes another answer (an export) from the same rule: each is asked
bare and with each of these, as cells of their own."""


def read_routes(target: str) -> list[Route]:
    """The GET routes of the table asked of ``target`` (a person target only for person rules)."""
    return [
        route
        for route in matrix_routes()
        if route.method == "GET" and (target == "on-A" or route.kind in PERSON_KINDS)
    ]


@dataclass
class World:
    units: dict[str, Unit]
    actor: Person
    target: Person
    made: dict[str, object] = field(default_factory=dict)
    """What the builders made, so that a route's values name records that belong together."""
    home: str = TARGET_UNIT
    """The unit the builders make records on."""
    holder: Person | None = None
    """Whose records the builders make (a credential, a role), when not the target's."""

    @property
    def home_unit(self) -> Unit:
        return self.units[self.home]


def make_world(role: Role, unit_name: str, target_name: str) -> World:
    units: dict[str, Unit] = {}
    for name, parent in PARENTS.items():
        kind = UnitKind.MUNICIPALITY if parent is None else UnitKind.UNIT
        units[name] = create_unit(f"Enhet {name}", kind, units[parent] if parent else None)
    actor = add_person("Aktør", "aktor@testvik.no", units[unit_name], role)
    (first_unit, first_role), *more = TARGETS[target_name]
    target = add_person("Mål Person", "maal@testvik.no", units[first_unit], first_role)
    for name, held in more:
        grant_role(target, units[name], held)
    return World(units, actor, target)


# What a route's other URL values name: each made on the target's unit (or for the target), so that
# whoever the rule lets in finds it. A route with a value not here fails the test until one is added.


def _assignment(world: World) -> int:
    """The target's role on a unit the actor leads if there is one (a role is removed by an admin
    of its unit), else on the target's unit."""
    if world.holder is not None:
        return world.holder.roles[0].id
    theirs = sorted(world.target.roles, key=lambda r: r.unit.name)
    on_actors = [r for r in theirs if r.unit_id == world.actor.roles[0].unit_id]
    return (on_actors or [r for r in theirs if r.unit is world.units[TARGET_UNIT]])[0].id


def _series(world: World):
    if "series" in world.made:
        return world.made["series"]
    leader = add_person(
        "Fasilitator", f"fasilitator-{world.home}@testvik.no", world.home_unit, Role.FACILITATOR
    )
    series = planning.create_series(
        world.home_unit, leader, planning.SeriesFields(title="Refleksjonsgruppe")
    )
    start = utcnow() + timedelta(days=7)
    planning.add_session(series, start, start + timedelta(hours=1))
    db.session.flush()
    world.made["series"] = series
    return series


def _action(world: World) -> int:
    session = _series(world).sessions[0]
    return actions.add_action(session, "Prøve ut ny rutine", session.series.facilitator_id, None).id


def _requirement(world: World) -> int:
    code = import_test_framework("MATRIX")
    return competence.add_requirement(code, world.home_unit, 1).id


def _programme(world: World):
    if "programme" not in world.made:
        world.made["programme"] = introduction.create_programme(
            world.home_unit.id, "Ny i enheten", None, world.actor
        )
    return world.made["programme"]


def _programme_item(world: World) -> int:
    item = introduction.add_item(_programme(world), ItemKind.SIGN_OFF, "EPJ", DueRule.DAYS, 14)
    return item.id


def _survey(world: World) -> int:
    closes_on = date.today() + timedelta(days=7)
    return surveys.create_survey(world.home_unit.id, "Verktøy", ["Gerica"], closes_on, world.actor).id


def _credential(world: World) -> int:
    """A credential issued to the target (the revocation route names both), or to the holder."""
    achievement = Achievement(
        id="http://localhost/credentials/achievements/MATRIX",
        name="Matrise",
        description="",
        criteria="",
        achievement_type="Course",
    )
    made = issuing.issue(
        world.holder or world.target,
        world.home_unit,
        CredentialKind.WORKSHOP,
        "workshop:0",
        achievement,
        None,
    )
    return made.id


BUILDERS = {
    "credential_id": _credential,
    "assignment_id": _assignment,
    "series_id": lambda world: _series(world).id,
    "session_id": lambda world: _series(world).sessions[0].id,
    "action_id": _action,
    "requirement_id": _requirement,
    "framework_id": lambda world: import_test_framework("MATRIX").framework_id,
    "survey_id": _survey,
    "programme_id": lambda world: _programme(world).id,
    "item_id": _programme_item,
    "feed_id": lambda world: add_feed("https://vakter.example/a.ics", unit_id=world.home_unit.id).id,
    "version_id": lambda world: install(FIXTURE_MODULE, "test", publish=False)[0].id,
    "key_id": lambda world: keys.create_key("HR", ["people:read"])[0].id,
    "key": lambda world: credentials.create_key(db.session, "Rapporter")[0],
}


def url_for_cell(route: Route, world: World) -> str:
    """The route's URL in ``world``: its target, and records made by ``BUILDERS`` (made once per
    world and name, so the routes asked in one world share them)."""
    made = world.made.setdefault("values", {})
    values = {}
    for name in route.arguments:
        if name == route.target_arg:
            values[name] = world.target.id if route.kind in PERSON_KINDS else world.units[TARGET_UNIT].id
        elif name in made:
            values[name] = made[name]
        elif name in BUILDERS:
            values[name] = made[name] = BUILDERS[name](world)
        else:
            pytest.fail(f"{route.endpoint}: the access matrix cannot make a «{name}»; add a builder")
    return URL_ARGUMENT.sub(lambda match: str(values[match.group(2)]), route.rule)


def expected_in(route: Route, world: World, role: Role, actor_unit: str) -> bool:
    """Whether the table lets the actor in, from where they stand to the route's target."""
    if route.kind in PERSON_KINDS:
        target_units = [r.unit.name.removeprefix("Enhet ") for r in world.target.roles]
        standings = [standing(actor_unit, unit) for unit in target_units]
    elif route.kind == "unit":
        standings = [standing(actor_unit, TARGET_UNIT)]
    else:
        standings = []
    return lets_in(route.access_rule, route.access_roles, role, standings, PARENTS[actor_unit] is None)


@pytest.mark.parametrize(("route", "role", "actor_unit", "target"), list(cells()))
def test_the_access_matrix(app, client, route, role, actor_unit, target):
    with app.app_context():
        world = make_world(role, actor_unit, target)
        url = url_for_cell(route, world)
        expected = expected_in(route, world, role, actor_unit)
        actor = world.actor
        db.session.commit()

    response = ask(client, actor, route, url)
    where = f"{route.method} {url} ({route.access_rule}) by {role.value} of {actor_unit}"
    if expected:
        assert_let_in(response, where)
    else:
        assert response.status_code == 403, where


@pytest.mark.parametrize(("role", "actor_unit", "target"), list(reading_actors()))
def test_the_access_matrix_read_side(app, client, role, actor_unit, target):
    """Every GET route of the table (exports too), asked by one actor in one world: each is a cell
    of its own, and every wrong one is named."""
    with app.app_context():
        world = make_world(role, actor_unit, target)
        asked = [
            (route, url, expected_in(route, world, role, actor_unit))
            for route in read_routes(target)
            for url in with_query_variants(route, url_for_cell(route, world))
        ]
        actor = world.actor
        db.session.commit()

    sign_in(client, actor)
    wrong = []
    for route, url, expected in asked:
        response = client.get(url)
        response.get_data()  # an export streams: read it whole, so it runs to its end here
        response.close()
        where = f"GET {url} ({route.access_rule}) by {role.value} of {actor_unit}: "
        if not expected and response.status_code != 403:
            wrong.append(f"{where}{response.status_code}, not 403")
        elif expected and not is_let_in(response):
            wrong.append(f"{where}{response.status_code} {response.headers.get('Location', '')}")
    assert not wrong, "\n".join(wrong)


def with_query_variants(route: Route, url: str) -> list[str]:
    return [url, *(f"{url}?{query}" for query in QUERY_VARIANTS.get(route.endpoint, ()))]


def sign_in(client, person: Person) -> str:
    """Sign ``person`` in on ``client``; the CSRF token for its forms."""
    token = client.csrf_token()
    client.post("/login", data={"csrf_token": token, "email": person.email, "password": PASSWORD})
    return token


def ask(client, person: Person, route: Route, url: str, form: dict | None = None):
    """Sign ``person`` in on ``client`` and ask ``url`` with the route's method (a form post with its
    CSRF token and ``form`` for a state-changing one)."""
    token = sign_in(client, person)
    data = {"csrf_token": token, **(form or {})} if route.method in STATE_CHANGING else None
    return client.open(url, method=route.method, data=data)


def is_let_in(response) -> bool:
    """Past the access rule: not 401, 403 or 404, no redirect to sign-in, no 500."""
    return (
        response.status_code not in (401, 403, 404)
        and response.status_code < 500
        and "/login" not in response.headers.get("Location", "")
    )


def assert_let_in(response, where: str) -> None:
    assert is_let_in(response), f"{where}: {response.status_code} {response.headers.get('Location', '')}"


def test_the_matrix_covers_every_kind_of_rule_in_the_table():
    """Were the URL walk to find nothing (say, after a rename of the marks), every cell above would
    pass vacuously: each kind in the table has routes, and the account and top-admin kinds have the
    routes the hardening was about."""
    routes = matrix_routes()
    assert {route.kind for route in routes} == set(TABLE)
    assert {route.kind for route in routes if route.method == "GET"} == set(TABLE)
    reads = {route.endpoint for route in routes if route.method == "GET"}
    assert {"reports.matrix_csv", "reports.matrix_xlsx", "competence.export"} <= reads
    by_kind = {kind: {r.endpoint for r in routes if r.kind == kind} for kind in TABLE}
    assert {"admin.save_person", "privacy.delete_person"} <= by_kind["account"]
    assert {
        "content_admin.upload",
        "content_admin.publish",
        "tracking.retry_dead",
        "tracking.resume_delivery",
        "competence.frameworks",
        "lrs_admin.index",
        "api_admin.index",
    } <= by_kind["top_admin"]


# The API -------------------------------------------------------------------------------------------


def api_cells():
    for operation in OPERATIONS:
        yield pytest.param(operation, id=f"{operation.method} {operation.rule}")


@pytest.mark.parametrize("operation", list(api_cells()))
def test_an_api_operation_lets_in_its_scope_and_keeps_out_every_other(app, client, operation):
    with app.app_context():
        _key, allowed = keys.create_key("Med", [operation.scope])
        others = [scope for scope in keys.SCOPES if scope != operation.scope]
        _key, refused = keys.create_key("Uten", others)
        db.session.commit()
    path = PREFIX + URL_ARGUMENT.sub("x", operation.rule)
    method = operation.method.upper()
    body = {} if method in STATE_CHANGING else None

    def call(text: str):
        return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {text}"})

    assert call(refused).status_code == 403
    assert call(allowed).status_code not in (401, 403)


# What is one person's own: ``owner:<arg>`` ----------------------------------------------------------
#
# A record of the target (staff on A) asked for with its id by someone else gets 404, whoever they
# are: staff of the same unit, staff of a sibling unit, the unit's manager, an admin of the top unit.
# The target is let in, so the id named a real record. Each route's id is built below by its name; a
# new ``owner:`` route with an id not here fails until one is added.

OTHERS = {
    "staff of A": ("A", Role.STAFF),
    "staff of B": ("B", Role.STAFF),
    "manager of A": ("A", Role.MANAGER),
    "admin of P": ("P", Role.ADMIN),
}


def owner_routes() -> list[Route]:
    return [route for route in url_map_routes() if route.kind == "owner"]


def _published_version(world: World):
    if "version" not in world.made:
        world.made["version"] = install(FIXTURE_MODULE, "test", publish=True)[0]
    return world.made["version"]


def _attempt(world: World):
    if "attempt" not in world.made:
        world.made["attempt"] = learning.start_or_resume(world.target, _published_version(world))
    return world.made["attempt"]


def _run(world: World):
    """A group run of the target's unit, led by a facilitator of it."""
    if "run" not in world.made:
        leader = add_person("Leder", "leder@testvik.no", world.units[TARGET_UNIT], Role.FACILITATOR)
        world.made["run"] = groups.start_run(leader, _published_version(world), world.units[TARGET_UNIT])
    return world.made["run"]


def _participant(world: World) -> int:
    """The target, in a group run of their unit."""
    return groups.join(_run(world), world.target).id


def _follow_up(world: World) -> int:
    attempt = _attempt(world)
    learning.submit_answer(attempt, learning.module_of(attempt).card("prov"), True)
    query = sa.select(PracticeFollowUp.id).where(PracticeFollowUp.person_id == world.target.id)
    return db.session.scalar(query)


def _reminder(world: World) -> int:
    reminder = Reminder(
        key=f"matrix-{world.target.id}",
        person_id=world.target.id,
        kind="assignment",
        stage="opens",
        subject="Påminnelse",
        url="/",
        claimed_at=utcnow(),
        sent_at=utcnow(),
    )
    db.session.add(reminder)
    db.session.flush()
    return reminder.id


OWNED = {
    "attempt_id": lambda world: _attempt(world).id,
    "participant_id": _participant,
    "credential_id": _credential,
    "follow_up_id": _follow_up,
    "reminder_id": _reminder,
    "feed_id": lambda world: add_feed("https://vakter.example/min.ics", person=world.target).id,
}
OTHER_VALUES = {"index": lambda world: 0}
"""URL values that are not ids (a card's place in the attempt)."""


def world_with_others(app, route: Route, builders: dict) -> tuple[str, Person, dict[str, Person]]:
    """The world, the route's URL with its values made by ``builders`` for the target, the target
    and the others (``OTHERS``)."""
    with app.test_request_context():
        world = make_world(Role.STAFF, "A", "on-A")
        values = {}
        for name in route.arguments:
            if name in builders:
                values[name] = builders[name](world)
            else:
                pytest.fail(f"{route.endpoint}: nothing here makes a «{name}»; add a builder")
        others = {
            who: add_person(who, f"{who.replace(' ', '-')}@testvik.no", world.units[unit], role)
            for who, (unit, role) in OTHERS.items()
        }
        target = world.target
        db.session.commit()
    url = URL_ARGUMENT.sub(lambda match: str(values[match.group(2)]), route.rule)
    return url, target, others


@pytest.mark.parametrize("route", owner_routes(), ids=lambda r: f"{r.method} {r.endpoint}")
def test_what_is_ones_own_is_found_by_no_one_else(app, make_client, route):
    url, target, others = world_with_others(app, route, OWNED | OTHER_VALUES)
    for who, person in others.items():
        response = ask(make_client(), person, route, url)
        assert response.status_code == 404, f"{route.method} {url} ({route.access_rule}) by {who}"
    assert_let_in(ask(make_client(), target, route, url), f"{route.method} {url} by its owner")


def test_an_answer_sent_as_the_player_sends_it_is_stored_for_no_one_else(app, make_client):
    """The answers route as the player posts it (JSON, the token in ``X-CSRFToken``), which the
    lane ahead of Flask takes for the attempt's owner (``learning.answer_wsgi``): everyone in
    ``OTHERS`` gets the 404 a form post gets, and nothing is stored; the owner's answer is."""
    route = next(r for r in owner_routes() if r.endpoint == "learning.sync_answer")
    url, target, others = world_with_others(app, route, OWNED)
    attempt_id = int(re.search(r"/attempts/(\d+)/", url)[1])

    def send(person: Person):
        client = make_client()
        token = sign_in(client, person)
        body = {"card_id": "enkelt", "fields": {"response": "b"}, "client_id": str(uuid.uuid4())}
        return client.post(url, json=body, headers={"X-CSRFToken": token})

    for who, person in others.items():
        assert send(person).status_code == 404, f"POST {url} as JSON by {who}"
    assert stored_answers(app, attempt_id) == []
    assert send(target).status_code == 201
    assert stored_answers(app, attempt_id) == ["enkelt"]


def stored_answers(app, attempt_id: int) -> list[str]:
    with app.app_context():
        return db.session.scalars(sa.select(Answer.card_id).where(Answer.attempt_id == attempt_id)).all()


# Signed in, checked inside: ``signed_in`` routes that take an id -----------------------------------
#
# Each such route (read from the URL map: ``signed_in`` with an ``<int:...>`` value) is asked with
# the ids of records of the target's unit A (a group run there, a newcomer's enrolment, a survey, a
# workshop series and its session, a module's statistics) by the people in ``OTHERS``; what each is
# to get is what the view's docstring and its check say, written once per route below. A new route
# of this kind fails until it is given a line here.

IN = "let in"
WORKSHOP = {"staff of A": IN, "staff of B": 404, "manager of A": IN, "admin of P": IN}
"""A series of unit A: for whoever may join it (its unit's people) or lead it; 404 for others."""
LED_RUN = {"staff of A": 403, "staff of B": 403, "manager of A": IN, "admin of P": IN}
"""A group run: its facilitator or a leader of its unit (``groups.views._led_run``)."""
NEWCOMER = {"staff of A": 403, "staff of B": 403, "manager of A": IN, "admin of P": IN}
"""A newcomer's programme: the newcomer, their mentor, the unit's managers and admins."""
STATISTICS = {"staff of A": 403, "staff of B": 403, "manager of A": 403, "admin of P": IN}
"""A module's statistics: its owner, or a facilitator or admin (of the units they act on)."""
SIGNED_IN_EXPECTED = {
    "groups.close": LED_RUN,
    "groups.move": LED_RUN,
    "groups.people": LED_RUN,
    "groups.remove": LED_RUN,
    "groups.screen": LED_RUN,
    "groups.screen_live": LED_RUN,
    "insights.version": STATISTICS,
    "insights.version_csv": STATISTICS,
    "introduction.newcomer": NEWCOMER,
    "introduction.set_mentor": NEWCOMER,
    "introduction.sign_off": NEWCOMER,
    # A survey of one's own unit, answered once: others get 404.
    "planning.answer": {"staff of A": IN, "staff of B": 404, "manager of A": IN, "admin of P": 404},
    "workshops.series": WORKSHOP,
    "workshops.series_ics": WORKSHOP,
    "workshops.session_ics": WORKSHOP,
    "workshops.sign_up": WORKSHOP,
    "workshops.leave": WORKSHOP,
    # Only who attended the session evaluates it; nobody here did.
    "workshops.evaluation": dict.fromkeys(OTHERS, 404),
    # The door's page opens for whoever holds its token (the QR code at the door); checking in
    # is refused a week before the session, whoever asks.
    "workshops.check_in": dict.fromkeys(OTHERS, IN),
}


def _enrolment(world: World) -> int:
    """The target, a newcomer on A's introduction programme."""
    _programme(world)
    return introduction.enrol_joiners([(world.target.id, world.units[TARGET_UNIT].id)])[0].id


SIGNED_IN_BUILDERS = {
    "run_id": lambda world: _run(world).id,
    "participant_id": _participant,
    "version_id": lambda world: _published_version(world).id,
    "enrolment_id": _enrolment,
    "survey_id": _survey,
    "series_id": lambda world: _series(world).id,
    "session_id": lambda world: _series(world).sessions[0].id,
    "token": lambda world: _series(world).sessions[0].check_in_token,
}
"""What the route's URL names; a form that ticks someone in names the target (``groups.people``)."""


def signed_in_id_routes() -> list[Route]:
    return [
        route
        for route in url_map_routes()
        if route.kind == "signed_in" and re.search(r"<int:\w+>", route.rule)
    ]


@pytest.mark.parametrize("route", signed_in_id_routes(), ids=lambda r: f"{r.method} {r.endpoint}")
def test_a_signed_in_route_shows_an_id_only_to_whom_its_check_lets_in(app, make_client, route):
    if route.endpoint not in SIGNED_IN_EXPECTED:
        pytest.fail(f"{route.endpoint}: say in SIGNED_IN_EXPECTED whom it lets in")
    url, target, others = world_with_others(app, route, SIGNED_IN_BUILDERS)
    form = {"person_id": target.id} if route.endpoint == "groups.people" else None
    for who, person in others.items():
        response = ask(make_client(), person, route, url, form)
        expected = SIGNED_IN_EXPECTED[route.endpoint][who]
        where = f"{route.method} {url} ({route.access_rule}) by {who}"
        if expected == IN:
            assert_let_in(response, where)
        else:
            assert response.status_code == expected, where


# A record of another unit, asked for through one's own ---------------------------------------------
#
# A route of the table that names a record beside its target (a session, a requirement, a credential,
# a role ...) is asked by a leader of A, with A (or a person of A) as its target, and the id of such a
# record made on the sibling unit B (or held by a person of B). The rule checked A, so only the view
# can keep them out: 404 (or 403), never the record.

LEAD_ROLES_IN_ORDER = (Role.ADMIN, Role.MANAGER, Role.FACILITATOR)


def record_routes() -> list[Route]:
    return [
        route
        for route in matrix_routes()
        if route.kind in {"unit", *PERSON_KINDS} and records_named(route)
    ]


def records_named(route: Route) -> list[str]:
    return [name for name in route.arguments if name != route.target_arg]


def record_cells():
    for route in record_routes():
        yield pytest.param(route, False, id=f"{route.method} {route.endpoint}")
        if len(records_named(route)) > 1:
            yield pytest.param(route, True, id=f"{route.method} {route.endpoint}-last of B")


@pytest.mark.parametrize(("route", "last_only"), list(record_cells()))
def test_a_record_of_another_unit_is_not_reached_through_ones_own(app, client, route, last_only):
    """With ``last_only``, the records named first are of A and only the last is of B (an action of
    another unit's session, an item of another unit's programme)."""
    role = next(role for role in LEAD_ROLES_IN_ORDER if role in route.access_roles)
    with app.test_request_context():
        world = make_world(role, TARGET_UNIT, "on-A")
        if last_only:
            for name in records_named(route)[:-1]:
                url_for_cell(Route(route.endpoint, f"<{name}>", "GET", "", frozenset()), world)
            world.made = {"values": world.made["values"]}
        world.home = "B"
        world.holder = add_person("Annen", "annen@testvik.no", world.units["B"], Role.STAFF)
        url = url_for_cell(route, world)
        actor = world.actor
        db.session.commit()
    response = ask(client, actor, route, url)
    where = f"{route.method} {url} ({route.access_rule}) by {role.value} of A, a record of B"
    assert response.status_code in (403, 404), where


def test_the_walks_beside_the_matrix_find_their_routes():
    """Each walk reads its routes from the URL map, so a rename could leave it with none and every
    test above passing for want of cells; and a line for a route that is gone is dropped."""
    owned = {route.endpoint for route in owner_routes()}
    assert {"learning.card", "credentials.download_pdf", "practice.follow_up"} <= owned
    assert {"GET", "POST"} <= {route.method for route in owner_routes()}
    checked_inside = {route.endpoint for route in signed_in_id_routes()}
    assert checked_inside == set(SIGNED_IN_EXPECTED)
    reads = {route.endpoint for route in read_routes("on-A")}
    assert set(QUERY_VARIANTS) <= reads
    beside = {route.endpoint for route in record_routes()}
    assert {"workshops.manage", "requirements.edit", "credentials.revoke", "admin.remove_role"} <= beside
