"""Taking a module: start or resume, answer a card, move on, complete. Functions flush; the caller
commits. Grading is done by the card's type, a pure function of the card and the response."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from lms import signals
from lms.content import library
from lms.content import services as content
from lms.content.cards.base import Card
from lms.content.models import ModuleVersion
from lms.content.package import Module
from lms.core.driver import OnSession, Statements, driver_work
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Answer, Attempt
from lms.learning.standing import DONE_OUTCOMES, Standing, Verdict, solo_verdict, standing_of
from lms.organisation.models import Person
from lms.plugins import card_types


class NotAnswerable(ValueError):
    """The card takes no response, or the attempt is already complete."""


@dataclass(frozen=True)
class Outcome:
    score: float | None
    passed: bool | None
    verdict: Verdict


def open_attempt(person: Person, module_id: str) -> Attempt | None:
    """The person's latest unfinished attempt at the module on their own: an attempt another
    feature holds (``signals.attempt_held_elsewhere``: one in a group run they are still present
    in, which the facilitator paces) is not theirs to go on with."""
    query = _open_attempt_query(Attempt)
    return db.session.scalar(query, {"person_id": person.id, "module_id": module_id})


@dataclass(frozen=True)
class StartPage:
    """What a module's start page shows the person."""

    module: Module
    """The content of the module's current version."""
    position: int | None
    """The card the person's open attempt (``open_attempt``'s) is on; None without one."""
    completed_at: datetime | None
    """When the person's latest completion of the module ended (passed, or completed when nothing
    is scored: the one home shows, ``Overview.completed``); None without one."""
    verdict: Verdict | None
    """That completion's verdict, ``PASSED`` or ``COMPLETED``; None without one."""


def start_page(person: Person, module_id: str) -> StartPage | None:
    """For the module's start page, in one query (no attempt loaded): the module's current
    version, the person's open attempt's card and their latest completion; None when the module
    has no published current version."""
    with driver_work() as work:
        row = work.first(_start_page_query(), {"person_id": person.id, "module_id": module_id})
    if row is None:
        return None
    verdict = None if row.outcome is None else Verdict(row.outcome)
    module = library.load(module_id, row.content_hash)
    return StartPage(module, row.position, row.completed_at, verdict)


_open_attempt_queries: dict[tuple[int, ...], sa.Select] = {}
_start_page_queries: dict[int, tuple[sa.Select, sa.Select]] = {}
KEPT_QUERIES = 16


def _start_page_query() -> sa.Select:
    """The current version's content hash with the open attempt's position and the latest
    completion's time and outcome (the attempt ``overview`` picks, found by its id and joined once):
    built once for each query of the open attempt (``_open_attempt_query``)."""
    position = _open_attempt_query(Attempt.position)
    kept = _start_page_queries.get(id(position))
    if kept is not None and kept[0] is position:
        return kept[1]
    completion = aliased(Attempt, name="completion")
    latest_completion = (
        sa.select(Attempt.id)
        .where(
            Attempt.person_id == sa.bindparam("person_id"),
            Attempt.module_id == sa.bindparam("module_id"),
            # each outcome compared, not a list bound to IN: the driver prepares no IN list
            sa.or_(*(Attempt.outcome == outcome for outcome in DONE_OUTCOMES)),
        )
        .order_by(Attempt.completed_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = content.current_version_query(
        ModuleVersion.content_hash,
        position.scalar_subquery().label("position"),
        completion.completed_at.label("completed_at"),
        completion.outcome.label("outcome"),
    ).outerjoin(completion, completion.id == latest_completion)
    if len(_start_page_queries) < KEPT_QUERIES:
        _start_page_queries[id(position)] = (position, query)  # keeps ``position``, so its id too
    return query


def _open_attempt_query(selected) -> sa.Select:
    """The query of ``open_attempt`` selecting ``selected`` (the attempt or one of its columns),
    leaving out the attempts other features hold. Built once for the same conditions (the
    receivers of ``attempt_held_elsewhere`` return the same ones each time): building it cost
    about as much as running it."""
    held = tuple(
        signals.values_from_signal(
            signals.attempt_held_elsewhere.send(current_app._get_current_object())
        )
    )
    key = (id(selected), *(id(condition) for condition in held))
    found = _open_attempt_queries.get(key)
    if found is not None:
        return found
    query = sa.select(selected).where(
        Attempt.person_id == sa.bindparam("person_id"),
        Attempt.module_id == sa.bindparam("module_id"),
        Attempt.completed_at.is_(None),
    )
    if held:
        query = query.where(~sa.or_(*held))
    query = query.order_by(Attempt.started_at.desc()).limit(1)
    if len(_open_attempt_queries) < KEPT_QUERIES:
        _open_attempt_queries[key] = query  # keeps ``held`` alive, so its ids stay theirs
    return query


def start_or_resume(person: Person, version: ModuleVersion) -> Attempt:
    """The person's open attempt at this module (on whatever version it started), or a new one."""
    attempt = open_attempt(person, version.module_id)
    if attempt is not None:
        return attempt
    attempt = Attempt(person=person, module_id=version.module_id, version=version)
    db.session.add(attempt)
    db.session.flush()
    signals.attempt_started.send(current_app._get_current_object(), attempt=attempt)
    return attempt


def version_with_hash(module_id: str, content_hash: str) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion).filter_by(module_id=module_id, content_hash=content_hash)
    )


def module_of(attempt: Attempt) -> Module:
    return content.load_version(attempt.version)


def answer_for(attempt: Attempt, card: Card) -> Answer | None:
    return next((answer for answer in attempt.answers if answer.card_id == card.id), None)


def submit_answer(
    attempt: Attempt,
    card: Card,
    response: Any,
    *,
    client_id: str | None = None,
    answered_at: datetime | None = None,
) -> tuple[Answer, bool]:
    """Store and grade the response; returns the answer and whether it is new.

    The first answer to a card counts: a response sent again (same ``client_id``) or a second
    response to the same card returns the stored answer unchanged.
    """
    if attempt.completed or not card_types()[card.type].takes_response:
        raise NotAnswerable(card.id)
    client_id = valid_client_id(client_id)
    grade = card_types()[card.type].grade(card, response)
    answer = _insert_answer(
        attempt,
        card_id=card.id,
        client_id=client_id,
        response=response,
        score=grade.score,
        answered_at=answered_at or utcnow(),
    )
    if answer is None:
        return _stored_answer(attempt, card, client_id), False
    signals.card_answered.send(current_app._get_current_object(), answer=answer, card=card)
    return answer, True


def _insert_answer(attempt: Attempt, **values: Any) -> Answer | None:
    """Store the answer with ``values`` (``write_answer``). The answer comes back as if read from
    the database; the attempt's answers, if loaded, are read again when next used. None, and
    nothing written, if an answer to the card or with the client id is stored already."""
    values = {"attempt_id": attempt.id, **values}
    now = utcnow()
    answer_id = write_answer(values, now)
    if answer_id is None:
        return None
    set_committed_value(attempt, "updated_at", now)
    db.session.expire(attempt, ["answers"])
    answer = Answer(id=answer_id, **values)
    make_transient_to_detached(answer)
    db.session.add(answer)
    return answer


def write_answer(values: dict[str, Any], now: datetime, on: Statements | None = None) -> int | None:
    """Insert the answer with ``values`` and note its attempt updated ``now``, in one statement
    each: the ORM's flush of the same (a unit of work over the attempt's and the answer's mappers)
    cost more CPU than the rest of storing an answer. Returns the new answer's id; None, and
    nothing written, if an answer to the card or with the client id is stored already: the
    answer's unique constraints say so in the insert itself (``ON CONFLICT DO NOTHING``), so a new
    answer, the common case, costs no query to look for a stored one first.

    The statements run ``on`` the session (the default) or the driver's connection of the answer
    taken ahead of Flask (``lms.core.driver``). The writes begin a writing transaction if the
    request so far only read (``Statements.begin_writing``): the attempt is then noted only if it
    is still open, and ``NotAnswerable`` is raised if it is not (the caller rolls the answer's
    insert back)."""
    on = on or OnSession()
    on.begin_writing()
    insert, update = _answer_statements(on.dialect.name)
    inserted = on.first(insert, values)
    if inserted is None:
        return None
    if on.count(update, {"attempt": values["attempt_id"], "now": now}) != 1:
        raise NotAnswerable(values["card_id"])
    return inserted.id


@functools.cache
def _answer_statements(dialect: str) -> tuple[sa.Insert, sa.Update]:
    """The answer's insert returning its id (doing nothing, and returning no row, if an answer to
    the card or with the client id is stored) and the attempt's update, for the database
    ``dialect``: built once, bound when they run."""
    attempts = Attempt.__table__
    answers = Answer.__table__
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(answers)
    return insert.on_conflict_do_nothing().returning(answers.c.id), (
        sa.update(attempts)
        .where(attempts.c.id == sa.bindparam("attempt"), attempts.c.completed_at.is_(None))
        .values(updated_at=sa.bindparam("now"))
    )


@functools.cache
def _answers_sent_or_given() -> sa.Select:
    """The answer sent with a client id, and the answer given to a card in an attempt, in one
    query (built once, bound when it runs)."""
    return sa.select(Answer.id, Answer.client_id, Answer.response, Answer.score).where(
        sa.or_(
            Answer.client_id == sa.bindparam("client_id"),
            sa.and_(
                Answer.attempt_id == sa.bindparam("attempt_id"),
                Answer.card_id == sa.bindparam("card_id"),
            ),
        )
    )


def _stored_answer(attempt: Attempt, card: Card, client_id: str) -> Answer:
    return db.session.get(Answer, stored_answer(attempt.id, card.id, client_id).id)


def stored_answer(attempt_id: int, card_id: str, client_id: str, on: Statements | None = None) -> tuple:
    """The answer already sent with ``client_id`` (first), else the attempt's answer to the card
    (one of them is stored: the insert of a new one did nothing): its id, client id, response and
    score (``on`` as in ``write_answer``)."""
    found = (on or OnSession()).all(
        _answers_sent_or_given(),
        {"client_id": client_id, "attempt_id": attempt_id, "card_id": card_id},
    )
    return next((a for a in found if a.client_id == client_id), None) or found[0]


def move_to(attempt: Attempt, module: Module, index: int) -> None:
    """Go to card ``index``; past the last card, the attempt is completed."""
    if attempt.completed:
        return
    if index >= len(module.cards):
        complete(attempt, module)
        return
    moved_on = index > attempt.position
    attempt.position = max(0, index)
    attempt.updated_at = utcnow()
    db.session.flush()
    if moved_on:
        signals.attempt_progressed.send(
            current_app._get_current_object(), attempt=attempt, module=module
        )


def outcome(module: Module, answers: list[Answer]) -> Outcome:
    """Score and pass/fail from the answers to the scored cards (pure)."""
    scored_ids = {card.id for card in module.scored_cards}
    if not scored_ids:
        return Outcome(score=None, passed=None, verdict=Verdict.COMPLETED)
    points = sum(a.score or 0.0 for a in answers if a.card_id in scored_ids)
    score = points / len(scored_ids)
    passed = score * 100 >= module.pass_mark
    return Outcome(score=score, passed=passed, verdict=solo_verdict(passed))


def missed(attempt: Attempt, module: Module) -> tuple[list[tuple[Card, Answer]], int]:
    """The scored cards answered wrong (with the answer), in module order, and how many scored
    cards have no answer (in a group run: those the person was not there for, or let pass)."""
    answers = {answer.card_id: answer for answer in attempt.answers}
    wrong = [
        (card, answers[card.id])
        for card in module.scored_cards
        if card.id in answers and (answers[card.id].score or 0.0) < 1.0
    ]
    return wrong, sum(1 for card in module.scored_cards if card.id not in answers)


def missing_answers(attempt: Attempt, module: Module) -> list[Card]:
    """Scored cards not yet answered: the attempt cannot be completed without them."""
    answered = {answer.card_id for answer in attempt.answers}
    return [card for card in module.scored_cards if card.id not in answered]


def complete(
    attempt: Attempt, module: Module, result: Outcome | None = None, *, at: datetime | None = None
) -> Outcome:
    """End the attempt with ``result`` (a group run's judgement), or else with the solo outcome of
    its answers; ``attempt_completed`` tells evidence and statements."""
    if attempt.completed:
        return Outcome(attempt.score, attempt.passed, Verdict(attempt.outcome))
    result = result or outcome(module, attempt.answers)
    attempt.score, attempt.passed, attempt.outcome = result.score, result.passed, result.verdict
    attempt.completed_at = attempt.updated_at = at or utcnow()
    attempt.position = len(module.cards) - 1
    db.session.flush()
    signals.attempt_completed.send(current_app._get_current_object(), attempt=attempt, module=module)
    return result


def valid_client_id(client_id: str | None) -> str:
    if client_id:
        try:
            return str(uuid.UUID(client_id))
        except ValueError:
            pass
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Overview:
    """What a person's home ("I dag") shows of their modules."""

    in_progress: list[Attempt]
    """The open attempts, the latest per module: a new attempt at a completed module among them."""
    completed: list[Attempt]
    """Per module completed (passed, or completed when nothing is scored), the attempt of its
    latest completion: also while a new attempt at it is open or has ended without, as the
    managers' reports (``assignments.services.completed_on``) and the competence evidence count it."""
    unfinished: list[Attempt]
    """Per module never completed whose latest attempt ended without the completion (failed, or a
    group run attended): to be taken again."""
    available: list[ModuleVersion]

    def covers(self) -> dict[str, ModuleVersion]:
        """By module id, the version whose cover illustration stands for the module: the version of
        the person's latest attempt, or else the published one."""
        versions = {v.module_id: v for v in self.available}
        for attempt in self.completed + self.unfinished + self.in_progress:
            versions[attempt.module_id] = attempt.version
        return versions

    def standings(self) -> dict[str, Standing]:
        """Each begun module's standing, by module id: that of its latest completion once it has
        one (a new attempt after it changes nothing of that), else that of its latest attempt."""
        found = {a.module_id: standing_of(True, a.outcome) for a in self.in_progress + self.unfinished}
        found.update({a.module_id: standing_of(True, a.outcome) for a in self.completed})
        return found

    def retaken(self) -> dict[str, Attempt]:
        """The modules completed that the person is taking again (an open attempt after the
        completion), by module id: the attempt of the completion."""
        completed = {a.module_id: a for a in self.completed}
        return {
            a.module_id: completed[a.module_id] for a in self.in_progress if a.module_id in completed
        }


def overview(person: Person) -> Overview:
    """The person's open attempts and latest completions (per module), the modules whose latest
    attempt ended without a completion, and the modules not yet begun."""
    attempts = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.person_id == person.id)
            .options(sa.orm.joinedload(Attempt.version))
            .order_by(Attempt.updated_at.desc())
        ).unique()
    )
    latest: dict[str, Attempt] = {}
    last_done: dict[str, Attempt] = {}
    for attempt in attempts:
        latest.setdefault(attempt.module_id, attempt)
        if attempt.completed and Verdict(attempt.outcome).gives_completion:
            known = last_done.get(attempt.module_id)
            if known is None or attempt.completed_at > known.completed_at:
                last_done[attempt.module_id] = attempt
    open_ones = [a for a in latest.values() if not a.completed]
    unfinished = [a for a in latest.values() if a.completed and a.module_id not in last_done]
    begun = set(latest)
    available = [v for v in content.published_versions() if v.module_id not in begun]
    return Overview(open_ones, list(last_done.values()), unfinished, available)


def suggested_next(person: Person, finished_module_id: str) -> Module | None:
    """One module to take next, for the done page: one the person has begun and not finished,
    else the first published one they have not begun, else one to take again."""
    found = overview(person)
    begun = [a.version for a in found.in_progress + found.unfinished]
    for version in [*begun, *found.available]:
        if version.module_id != finished_module_id:
            return content.load_version(version)
    return None
