"""Card statistics of a module version and learners' ratings of it, for the module's owner and for
facilitators. Everything is counted in SQL and nothing here ever reads who answered: a fixed number
of queries whatever the number of answers.

Rules (``docs/privacy.md`` and the statistics page say them too):

- a card's share right and the spread of its answers over the options are shown only from
  ``SHOWN_FROM`` answers on (fewer could point at the few who took it); the number answered always;
- a scored card is flagged for review when at least ``FLAG_MIN_ANSWERS`` answered it and fewer
  than ``FLAG_BELOW_SHARE`` of them got it right;
- ratings are counted only from ``SHOWN_FROM`` ratings on, and so are their comments shown.

Who sees which answers: a facilitator or admin those of the people in the units they act on; the
module's owner those of everyone in their municipality (the top units above the units where they
hold a role). Ratings name no one, only the municipality, so each sees their municipalities' ones.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import bleach
import sqlalchemy as sa
from flask import Flask, g

from lms.access import acted_on_unit_ids, held_roles, holds_any, read_with
from lms.content import services as content
from lms.content.cards.base import Card
from lms.content.models import LearningModule, ModuleVersion
from lms.content.package import Module
from lms.core.time import local_today
from lms.extensions import db
from lms.insights.models import COMMENT_MAX_CHARACTERS, ModuleRating
from lms.learning.models import Answer, Attempt
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.organisation.services import unit_ids_below
from lms.plugins import card_types

STATS_ROLES = frozenset({Role.FACILITATOR, Role.ADMIN})
"""Besides a module's owner, who sees what the modules teach us (of the units they act on)."""
SHOWN_FROM = 5
"""Fewest answers (or ratings) for which a share, a spread or comments are shown."""
FLAG_MIN_ANSWERS = 10
FLAG_BELOW_SHARE = 0.5
TRUE_FALSE_OPTIONS = (
    ("true", {"nb": "Sant", "nn": "Sant", "en": "True"}),
    ("false", {"nb": "Usant", "nn": "Usant", "en": "False"}),
)


def is_flagged(graded: int, right: int) -> bool:
    """A scored card most people miss: at least 10 graded answers, and under half of them right."""
    return graded >= FLAG_MIN_ANSWERS and right / graded < FLAG_BELOW_SHARE


@dataclass(frozen=True)
class Scope:
    """Whose answers and which municipalities' ratings a viewer sees."""

    unit_ids: frozenset[int]
    municipality_ids: frozenset[int]


@dataclass(frozen=True)
class OptionCount:
    option_id: str
    text: dict[str, str]
    count: int
    correct: bool | None
    """Whether the option is a right one (None on a card without a right answer)."""


@dataclass(frozen=True)
class CardStats:
    card: Card
    answered: int
    graded: int
    right: int
    options: tuple[OptionCount, ...]
    """Empty when the card has no options or too few answered to show the spread."""

    @property
    def shown(self) -> bool:
        return self.answered >= SHOWN_FROM

    @property
    def share_right(self) -> float | None:
        if not self.graded or self.graded < SHOWN_FROM:
            return None
        return self.right / self.graded

    @property
    def flagged(self) -> bool:
        return is_flagged(self.graded, self.right)


@dataclass(frozen=True)
class Ratings:
    up: int
    down: int
    comments: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.up + self.down

    @property
    def shown(self) -> bool:
        return self.total >= SHOWN_FROM


@dataclass(frozen=True)
class ModuleRow:
    version: ModuleVersion
    owned: bool
    answered: int
    flagged: int


# Who sees what ------------------------------------------------------------------------------------


def _top_units(unit_ids: Iterable[int]) -> frozenset[int]:
    """The top unit (municipality) above each of ``unit_ids``: one query for the whole tree."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return frozenset()
    parents = {row.id: row.parent_id for row in db.session.execute(sa.select(Unit.id, Unit.parent_id))}
    tops = set()
    for unit_id in unit_ids:
        while parents.get(unit_id) is not None:
            unit_id = parents[unit_id]
        tops.add(unit_id)
    return frozenset(tops)


def may_see_any(viewer: Person) -> bool:
    """Whether ``viewer`` may open the statistics of some module: a facilitator or admin (from the
    roles read once per request, no query), or a module's owner (read along with the signed-in
    person; for anyone else one small query, once a request)."""
    return holds_any(viewer, STATS_ROLES) or _owns_a_module(viewer)


OWNS_A_MODULE = "insights.owns_a_module"
"""What insights reads along with the signed-in person (``signals.read_with_signed_in_person``)."""


def owns_a_module_read_along(_app: Flask) -> tuple[str, sa.ColumnElement[bool]]:
    """The receiver of ``signals.read_with_signed_in_person``: whether the person owns a module,
    which the site menu asks on every page, read with the person instead of in a query of its own.
    The same expression each time, so that the person's query is built once."""
    return OWNS_A_MODULE, _owns_a_module_expression()


@functools.cache
def _owns_a_module_expression() -> sa.ColumnElement[bool]:
    return sa.select(LearningModule.id).where(LearningModule.owner_id == Person.id).exists()


def _owns_a_module(viewer: Person) -> bool:
    read_along = read_with(viewer, OWNS_A_MODULE)
    if read_along is not None:
        return bool(read_along)
    cache = g.setdefault("owns_a_module", {})
    if viewer.id not in cache:
        query = sa.select(LearningModule.id).where(LearningModule.owner_id == viewer.id).limit(1)
        cache[viewer.id] = db.session.scalar(query) is not None
    return cache[viewer.id]


def scope_for(viewer: Person, module: LearningModule) -> Scope | None:
    """What ``viewer`` sees of ``module``'s statistics, or None when they may not see them."""
    led = acted_on_unit_ids(viewer, STATS_ROLES)
    owner = module.owner_id == viewer.id
    if not led and not owner:
        return None
    return _scope(viewer, owner)


def _scope(viewer: Person, owner: bool) -> Scope:
    led = acted_on_unit_ids(viewer, STATS_ROLES)
    if not owner:
        return Scope(frozenset(led), _top_units(led))
    municipalities = _top_units(unit for _role, unit in held_roles(viewer)) | _top_units(led)
    return Scope(frozenset(unit_ids_below(municipalities)) | led, municipalities)


def _attempts_in(scope: Scope, version_ids: Iterable[int]):
    members = sa.select(RoleAssignment.person_id).where(
        RoleAssignment.unit_id.in_(sorted(scope.unit_ids))
    )
    return sa.select(Attempt.id).where(
        Attempt.version_id.in_(list(version_ids)), Attempt.person_id.in_(members)
    )


# Card statistics ----------------------------------------------------------------------------------


def _right():
    return sa.func.coalesce(sa.func.sum(sa.case((Answer.score >= 1, 1), else_=0)), 0)


def card_statistics(version: ModuleVersion, module: Module, scope: Scope) -> list[CardStats]:
    """Every card that takes a response, in order, with its counts: two queries."""
    attempts = _attempts_in(scope, [version.id])
    totals = {
        row.card_id: row
        for row in db.session.execute(
            sa.select(
                Answer.card_id,
                sa.func.count().label("answered"),
                sa.func.count(Answer.score).label("graded"),
                _right().label("right"),
            )
            .where(Answer.attempt_id.in_(attempts))
            .group_by(Answer.card_id)
        )
    }
    spreads = _spreads(module, attempts)
    stats = []
    for card in module.cards:
        if not _takes_response(card):
            continue
        row = totals.get(card.id)
        answered = row.answered if row else 0
        options = spreads.get(card.id, ()) if answered >= SHOWN_FROM else ()
        stats.append(
            CardStats(card, answered, row.graded if row else 0, int(row.right) if row else 0, options)
        )
    return stats


def _takes_response(card: Card) -> bool:
    card_type = card_types().get(card.type)
    return card_type is not None and card_type.takes_response


def card_options(card: Card) -> list[tuple[str, dict[str, str], bool | None]] | None:
    """(id, text, right?) of each option a response picks among; None for a card without options
    (free text is never spread)."""
    scored = bool(card.data.get("scored"))
    if isinstance(card.data.get("options"), list):
        return [
            (o["id"], o.get("text") or {}, bool(o.get("correct")) if scored else None)
            for o in card.data["options"]
        ]
    if isinstance(card.data.get("answer"), bool):
        return [(key, text, (key == "true") is card.data["answer"]) for key, text in TRUE_FALSE_OPTIONS]
    return None


def _spreads(module: Module, attempts) -> dict[str, tuple[OptionCount, ...]]:
    with_options = {card.id: card_options(card) for card in module.cards}
    with_options = {card_id: opts for card_id, opts in with_options.items() if opts}
    if not with_options:
        return {}
    response = sa.cast(Answer.response, sa.Text)
    rows = db.session.execute(
        sa.select(Answer.card_id, response.label("response"), sa.func.count().label("count"))
        .where(Answer.attempt_id.in_(attempts), Answer.card_id.in_(sorted(with_options)))
        .group_by(Answer.card_id, response)
    )
    chosen: dict[str, Counter] = {}
    for row in rows:
        for option_id in _picked(row.response):
            chosen.setdefault(row.card_id, Counter())[option_id] += row.count
    return {
        card_id: tuple(
            OptionCount(option_id, text, chosen.get(card_id, Counter())[option_id], correct)
            for option_id, text, correct in options
        )
        for card_id, options in with_options.items()
    }


def _picked(response_text: str | None) -> list[str]:
    """The option ids a stored response picked: a list (choice), a string (poll) or a boolean."""
    try:
        value: Any = json.loads(response_text) if response_text is not None else None
    except ValueError:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


# The overview -------------------------------------------------------------------------------------


def overview(viewer: Person) -> list[ModuleRow]:
    """The published modules the viewer sees statistics of (their own first), each with how many
    answers there are and how many cards are flagged: one query per kind of scope."""
    versions = content.published_versions()
    owned_ids = set(
        db.session.scalars(sa.select(LearningModule.id).where(LearningModule.owner_id == viewer.id))
    )
    leads = bool(acted_on_unit_ids(viewer, STATS_ROLES))
    shown = [v for v in versions if v.module_id in owned_ids or leads]
    counts: dict[int, tuple[int, int]] = {}
    for owner in (True, False):
        group = [v.id for v in shown if (v.module_id in owned_ids) is owner]
        if group:
            counts.update(_counts(_scope(viewer, owner), group))
    rows = [ModuleRow(v, v.module_id in owned_ids, *counts.get(v.id, (0, 0))) for v in shown]
    return sorted(rows, key=lambda row: not row.owned)


def _counts(scope: Scope, version_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per version: (answers, flagged cards)."""
    query = (
        sa.select(
            Attempt.version_id,
            Answer.card_id,
            sa.func.count().label("answered"),
            sa.func.count(Answer.score).label("graded"),
            _right().label("right"),
        )
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Answer.attempt_id.in_(_attempts_in(scope, version_ids)))
        .group_by(Attempt.version_id, Answer.card_id)
    )
    counts: dict[int, tuple[int, int]] = {}
    for row in db.session.execute(query):
        answered, flagged = counts.get(row.version_id, (0, 0))
        counts[row.version_id] = (
            answered + row.answered,
            flagged + is_flagged(row.graded, int(row.right)),
        )
    return counts


# Ratings ------------------------------------------------------------------------------------------


def clean_comment(text: str | None) -> str:
    """The comment as plain text: markup stripped by bleach, what is left escaped, at most
    ``COMMENT_MAX_CHARACTERS`` typed characters."""
    typed = (text or "").strip()[:COMMENT_MAX_CHARACTERS]
    return bleach.clean(typed, tags=set(), strip=True, strip_comments=True).strip()


def rate(attempt: Attempt, thumbs_up: bool, comment: str | None) -> bool:
    """Store an anonymous rating of the attempt's module version; False when this attempt has been
    rated already or is not complete. The flag on the attempt is claimed in one UPDATE, so two
    requests at once cannot both rate it."""
    claimed = db.session.execute(
        sa.update(Attempt)
        .where(
            Attempt.id == attempt.id,
            Attempt.rated.is_(False),
            Attempt.completed_at.is_not(None),
        )
        .values(rated=True)
    )
    if claimed.rowcount != 1:
        return False
    held = sa.select(RoleAssignment.unit_id).where(RoleAssignment.person_id == attempt.person_id)
    municipalities = _top_units(db.session.scalars(held))
    db.session.add(
        ModuleRating(
            version_id=attempt.version_id,
            municipality_id=min(municipalities) if municipalities else None,
            thumbs_up=thumbs_up,
            comment=clean_comment(comment),
            rated_month=local_today().replace(day=1),
        )
    )
    db.session.flush()
    return True


def ratings(version: ModuleVersion, scope: Scope) -> Ratings:
    """The thumbs of the scope's municipalities, and their comments when enough have rated."""
    mine = sa.and_(
        ModuleRating.version_id == version.id,
        ModuleRating.municipality_id.in_(sorted(scope.municipality_ids)),
    )
    query = sa.select(ModuleRating.thumbs_up, sa.func.count().label("n")).where(mine)
    counts = {row.thumbs_up: row.n for row in db.session.execute(query.group_by(ModuleRating.thumbs_up))}
    up, down = counts.get(True, 0), counts.get(False, 0)
    if up + down < SHOWN_FROM:
        return Ratings(up, down, ())
    comments = db.session.scalars(
        sa.select(ModuleRating.comment)
        .where(mine, ModuleRating.comment != "")
        .order_by(ModuleRating.rated_month.desc(), ModuleRating.id)
    )
    return Ratings(up, down, tuple(comments))
