"""Who may do what: every access rule of the platform lives here.

A manager, facilitator or admin acts on the units where they hold that role and on every unit below
them; staff act on themselves; API clients act through the scopes of their key (``api_scope`` in
``lms.api.auth``, which marks its views with ``mark`` like the decorators here). Three levels of reach:

- **per unit**: what happens on one unit (its reports, requirements, shifts, workshops, the roles held
  on it, a person's status there) needs a leading role on that unit or above (``for_unit``,
  ``for_person``);
- **per account**: what changes a person everywhere (name, e-mail, phone, active, password and
  sign-in links, SSO identities, erasure) needs admin rights over *every* unit where the person holds
  a role, or an admin of a top unit (``for_account``), so an admin of one unit cannot take over the
  account of someone who also leads elsewhere;
- **municipality-wide**: what reaches every unit is for an admin of a top unit (``top_admin_only``).

Every view is wrapped in exactly one of the decorators below, which also marks it with
``access_rule`` (and ``access_roles``). ``create_app`` refuses to serve an endpoint without that mark,
and the tests walk the URL map against the table in ``lms.access_matrix``, so a new route without an
access rule, or with the wrong one, cannot slip through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user, login_required

from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment
from lms.organisation.services import root_unit_ids, unit_ids_below

LEADING_ROLES = frozenset({Role.MANAGER, Role.FACILITATOR, Role.ADMIN})
"""Roles that act on a unit and the units below it."""


def person_signed_in() -> Person | None:
    """The signed-in person, or None: ``current_user`` looked up once (every use of the proxy looks
    the person up again), for helpers that ask several things of them."""
    user = current_user._get_current_object()
    return user if user is not None and user.is_authenticated else None


def held_roles(person: Person) -> tuple[tuple[Role, int], ...]:
    """The (role, unit id) pairs ``person`` holds, read once per request."""
    cache = g.setdefault("held_roles", {})
    if person.id not in cache:
        query = sa.select(RoleAssignment.role, RoleAssignment.unit_id).where(
            RoleAssignment.person_id == person.id
        )
        cache[person.id] = tuple((row.role, row.unit_id) for row in db.session.execute(query))
    return cache[person.id]


def remember_held_roles(person: Person, roles: Iterable[tuple[Role, int]]) -> None:
    """Fill ``held_roles``' request cache for a caller that read the roles along with the person."""
    g.setdefault("held_roles", {})[person.id] = tuple(roles)


def remember_read_with(person: Person, facts: Mapping[str, object]) -> None:
    """Keep for the request what was read along with the signed-in person
    (``signals.read_with_signed_in_person``)."""
    g.setdefault("read_with_person", {})[person.id] = facts


def read_with(person: Person, name: str, default: object = None) -> object:
    """The fact ``name`` read along with ``person`` this request, or ``default`` when it was not
    (``person`` is not the one signed in, or was not loaded from a session cookie)."""
    return g.get("read_with_person", {}).get(person.id, {}).get(name, default)


def acted_on_unit_ids(person: Person, roles: Iterable[Role] = LEADING_ROLES) -> frozenset[int]:
    """The units ``person`` acts on through any of ``roles`` (cached for the request)."""
    roles = frozenset(roles)
    cache = g.setdefault("acted_on_unit_ids", {})
    key = (person.id, roles)
    if key not in cache:
        roots = {unit_id for role, unit_id in held_roles(person) if role in roles}
        cache[key] = frozenset(unit_ids_below(roots)) if roots else frozenset()
    return cache[key]


def can_act_on_unit(person: Person, unit_id: int, roles: Iterable[Role] = LEADING_ROLES) -> bool:
    return unit_id in acted_on_unit_ids(person, roles)


def holds_any(person: Person, roles: Iterable[Role]) -> bool:
    """Whether ``person`` holds one of ``roles`` on some unit, and so acts on at least that one."""
    return any(role in roles for role, _unit in held_roles(person))


def is_admin(person: Person) -> bool:
    return holds_any(person, {Role.ADMIN})


def is_top_admin(person: Person) -> bool:
    """An admin of a top-level unit (the municipality): who manages what reaches every unit, such as
    the keys of the LRS and of the API."""
    return bool(root_unit_ids(acted_on_unit_ids(person, {Role.ADMIN})))


def _units_with_roles_of(person_id: int) -> set[int]:
    query = sa.select(RoleAssignment.unit_id).where(RoleAssignment.person_id == person_id)
    return set(db.session.scalars(query))


def can_act_on_person(actor: Person, person_id: int, roles: Iterable[Role] | None = None) -> bool:
    """Staff act on themselves; leaders on anyone who holds a role in a unit they act on.

    With ``roles``, only someone holding one of ``roles`` over a unit where the person holds a role
    (being the person is not enough). A person with no role anywhere (e.g. made by the HR sync before
    a unit is given) belongs to no unit, so only an admin of a top unit acts on them.
    """
    if roles is None and actor.id == person_id:
        return True
    wanted = LEADING_ROLES if roles is None else frozenset(roles)
    units = acted_on_unit_ids(actor, wanted)
    if not units:
        return False
    held = _units_with_roles_of(person_id)
    if not held:
        return Role.ADMIN in wanted and is_top_admin(actor)
    return not held.isdisjoint(units)


def can_act_on_account(actor: Person, person_id: int) -> bool:
    """Whether ``actor`` may change ``person_id``'s account everywhere: name, e-mail, phone, active,
    password and sign-in links, SSO identities, erasure.

    An admin of a top unit may; any other admin only when they administer *every* unit where the
    person holds a role (a person with no role belongs to no unit, so only a top admin). Being the
    person is not enough here: one's own details are changed on the account page.
    """
    units = acted_on_unit_ids(actor, {Role.ADMIN})
    if not units:
        return False
    if is_top_admin(actor):
        return True
    held = _units_with_roles_of(person_id)
    return bool(held) and held <= units


def mark(view: Callable, rule: str, roles: Iterable[Role] = ()) -> Callable:
    """Mark ``view`` with its rule (``kind`` or ``kind:argument``) and the roles it admits, which the
    access matrix (``lms.access_matrix``) reads to know what to expect of it."""
    view.access_rule = rule
    view.access_roles = frozenset(roles)
    return view


def can_make_sign_in_code(actor: Person, person: Person) -> bool:
    """Whether ``actor`` may make a printed sign-in code for ``person``: a manager or admin over one
    of their units; for someone who holds the admin role, only whoever may change their account
    (a printed code is a way into the account)."""
    if person.erased_at is not None or not can_act_on_person(actor, person.id, SIGN_IN_CODE_ROLES):
        return False
    holds_admin = any(role.role is Role.ADMIN for role in person.roles)
    return not holds_admin or can_act_on_account(actor, person.id)


SIGN_IN_CODE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


def public(view: Callable) -> Callable:
    """Anyone, signed in or not."""
    return mark(view, "public")


def signed_in(view: Callable) -> Callable:
    """Any signed-in person; the view shows only what is theirs."""
    return mark(login_required(view), "signed_in")


def for_unit(*roles: Role, arg: str = "unit_id") -> Callable[[Callable], Callable]:
    """Someone holding one of ``roles`` (default: a leading role) on the unit in ``arg`` or above."""
    wanted = frozenset(roles) or LEADING_ROLES

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not can_act_on_unit(current_user, kwargs[arg], wanted):
                abort(403)
            return view(*args, **kwargs)

        return mark(login_required(wrapper), f"unit:{arg}", wanted)

    return decorate


def for_person(
    arg: str = "person_id", roles: Iterable[Role] | None = None
) -> Callable[[Callable], Callable]:
    """The person in ``arg`` themselves, or a leader of one of their units.

    With ``roles`` (e.g. ``{Role.ADMIN}``), only someone holding one of them over a unit of the person.
    """
    wanted = None if roles is None else frozenset(roles)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not can_act_on_person(current_user, kwargs[arg], wanted):
                abort(403)
            return view(*args, **kwargs)

        return mark(login_required(wrapper), f"person:{arg}", wanted or LEADING_ROLES)

    return decorate


def for_account(arg: str = "person_id") -> Callable[[Callable], Callable]:
    """An admin over every unit where the person in ``arg`` holds a role, or an admin of a top unit
    (``can_act_on_account``): for what changes the person's account everywhere."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not can_act_on_account(current_user, kwargs[arg]):
                abort(403)
            return view(*args, **kwargs)

        return mark(login_required(wrapper), f"account:{arg}", {Role.ADMIN})

    return decorate


def admin_only(view: Callable) -> Callable:
    """A person who holds the admin role on some unit; the view limits itself to those units."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not is_admin(current_user):
            abort(403)
        return view(*args, **kwargs)

    return mark(login_required(wrapper), "admin", {Role.ADMIN})


def top_admin_only(view: Callable) -> Callable:
    """An admin of a top-level unit (``is_top_admin``): for what reaches every unit of the
    municipality, which an admin of one unit must not change for the others. It covers

    - the module library: uploading and publishing module versions, which retires the published one
      (``/admin/modules``);
    - competence frameworks: importing and exporting them (``/admin/competence``);
    - the keys of the built-in LRS (``/admin/lrs``) and of the API (``/admin/api``);
    - the xAPI outbox: its status, resuming delivery, retrying dead letters (``/admin/xapi``);
    - the audit log, which spans the installation (``/admin/audit``);
    - retention, which runs only as a scheduled job and a CLI command, so from the server's shell.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not is_top_admin(current_user):
            abort(403)
        return view(*args, **kwargs)

    return mark(login_required(wrapper), "top_admin", {Role.ADMIN})


def for_owner(
    model: type, arg: str, gone: Callable[[int], None] | None = None
) -> Callable[[Callable], Callable]:
    """The person a record belongs to (its ``person_id``); the record is passed to the view in
    place of its id. Anyone else gets 404, so ids reveal nothing. ``gone``: asked with the id when
    no such record exists, before the 404; it stops the request (``lms.core.gone.already_gone``)
    for a record the person removed themself, as the view's own answer to a second tap."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            record_id = kwargs.pop(arg)
            record = db.session.get(model, record_id)
            if record is None and gone is not None:
                gone(record_id)
            if record is None or record.person_id != current_user.id:
                abort(404)
            return view(*args, record, **kwargs)

        return mark(login_required(wrapper), f"owner:{arg}")

    return decorate
