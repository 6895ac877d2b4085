"""Who each kind of access rule lets in: the table behind ``lms.access``, in one place.

An actor holds a role on a unit; a route's rule (``access_rule``, marked by the decorators in
``lms.access``) names its kind and the roles it admits (``access_roles``). The actor is let in when
their role is one of those roles and their unit stands to the target's unit(s) as ``TABLE`` says.
The access matrix test (``tests/core/test_access_matrix.py``) walks every such route, for GET and
for each state-changing method, and derives what to expect from this table alone, so a new route is
checked as soon as it exists.

How the actor's unit stands to a target unit:

========  ==========================================================
``same``  the target's unit itself
``above`` a unit above it (its parent, the parent's parent, ...)
``below`` a unit below it (a child unit)
``beside`` any other unit (a sibling, a cousin)
========  ==========================================================

========================  =====================  =============================================
kind (``access_rule``)    the target             the actor's unit must be
========================  =====================  =============================================
``unit:<arg>``            the unit in ``arg``    ``same`` or ``above`` it
``person:<arg>``          the person's units     ``same`` or ``above`` *one* of them
``account:<arg>``         the person's units     ``same`` or ``above`` *every one*, or a top unit
``admin``                 —                      anywhere (the view limits itself to the units)
``top_admin``             —                      a top unit (the municipality)
========================  =====================  =============================================

``public``, ``signed_in`` (the view shows only what is the person's own or checks inside),
``owner:<arg>`` (anyone but the owner gets 404) and ``api:<scope>`` (a key holding the scope) do
not depend on where the actor stands, so they are not in the table.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum


class Standing(StrEnum):
    """How the actor's unit stands to a target unit."""

    SAME = "same"
    ABOVE = "above"
    BELOW = "below"
    BESIDE = "beside"


class Over(StrEnum):
    """Which of the target's units the standing must hold for."""

    THE_UNIT = "the unit"
    ONE = "one of the person's units"
    EVERY = "every one of the person's units"
    NONE = "no target"


@dataclass(frozen=True)
class Reach:
    standings: frozenset[Standing]
    over: Over
    top_unit_suffices: bool = False


ON_OR_ABOVE = frozenset({Standing.SAME, Standing.ABOVE})
ANYWHERE = frozenset(Standing)

TABLE: dict[str, Reach] = {
    "unit": Reach(ON_OR_ABOVE, Over.THE_UNIT),
    "person": Reach(ON_OR_ABOVE, Over.ONE),
    "account": Reach(ON_OR_ABOVE, Over.EVERY, top_unit_suffices=True),
    "admin": Reach(ANYWHERE, Over.NONE),
    "top_admin": Reach(frozenset(), Over.NONE, top_unit_suffices=True),
}
"""Each kind of access rule that depends on where the actor stands, and what it lets in."""


def rule_kind(access_rule: str) -> str:
    """``unit:unit_id`` → ``unit``."""
    return access_rule.partition(":")[0]


def lets_in(
    access_rule: str,
    access_roles: Collection,
    actor_role,
    standings: Collection[Standing],
    actor_on_top_unit: bool,
) -> bool:
    """Whether the table lets in an actor holding ``actor_role`` on a unit that stands to each of
    the target's units as ``standings`` say (one standing for a unit target; none for no target)."""
    reach = TABLE[rule_kind(access_rule)]
    if actor_role not in access_roles:
        return False
    if reach.top_unit_suffices and actor_on_top_unit:
        return True
    if reach.over is Over.NONE:
        return bool(reach.standings)
    matches = [standing in reach.standings for standing in standings]
    return all(matches) if reach.over is Over.EVERY else any(matches)
