"""Group runs: start, join, pace the cards, answer, leave, close. Functions flush; the caller commits.

Each participant has their own Attempt on the run's module version; answers and completion go
through ``lms.learning.services``, so grading, evidence and statements are those of the solo player.
The times are injected (``now``) so the tests can move the clock.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from lms import signals
from lms.content import services as content
from lms.content.cards.base import Card
from lms.content.models import ModuleVersion
from lms.content.package import Module
from lms.db import utcnow
from lms.extensions import db
from lms.groups import qr
from lms.groups.judging import GroupResult, judge
from lms.groups.models import GroupParticipant, GroupPresence, GroupRun, LeftHow
from lms.groups.tally import Tally, tally
from lms.learning import services as learning
from lms.learning.models import Answer, Attempt
from lms.learning.standing import Verdict
from lms.organisation.models import Person, Unit
from lms.organisation.services import people_in_units, search_people, unit_ids_below
from lms.plugins import card_types

CODE_HOURS = 12
"""A join code stops working this long after the run started (and when the run closes)."""
SEEN_EVERY = timedelta(seconds=30)
"""``last_seen_at`` is written at most this often, so polling stays read-only."""
RECENT_RUNS = 20


class GroupError(ValueError):
    """Something a participant or facilitator cannot do now; the message is shown to them."""


class RunClosed(GroupError):
    pass


class NotPresent(GroupError):
    pass


class NotAnswerableHere(GroupError):
    pass


class AlreadyFinished(GroupError):
    """The participant's attempt is complete (they finished the module alone, in the player)."""


# Starting and finding runs -------------------------------------------------------------------------


def group_modules() -> list[ModuleVersion]:
    """The published modules made for groups (``group: true``), by title."""
    return [v for v in content.published_versions() if v.manifest.get("group")]


def start_run(
    facilitator: Person, version: ModuleVersion, unit: Unit | None, *, now: datetime | None = None
) -> GroupRun:
    now = now or utcnow()
    run = GroupRun(
        module_id=version.module_id,
        version=version,
        facilitator=facilitator,
        unit=unit,
        code=_unused_code(now),
        code_expires_at=now + timedelta(hours=CODE_HOURS),
        started_at=now,
    )
    db.session.add(run)
    db.session.flush()
    signals.group_run_started.send(current_app._get_current_object(), run=run)
    return run


def _unused_code(now: datetime) -> str:
    for _ in range(20):
        code = qr.new_code()
        taken = db.session.scalar(
            sa.select(sa.literal(True))
            .where(GroupRun.code == code, GroupRun.closed_at.is_(None), GroupRun.code_expires_at > now)
            .limit(1)
        )
        if not taken:
            return code
    raise RuntimeError("no free join code found")  # 25**6 codes: only if something is very wrong


@dataclass(frozen=True)
class CodeLookup:
    run: GroupRun | None
    problem: str | None
    """None when the run can be joined; ``"unknown"`` or ``"expired"`` otherwise."""


def find_by_code(text: str | None, *, now: datetime | None = None) -> CodeLookup:
    now = now or utcnow()
    code = qr.normalise(text)
    if len(code) != qr.CODE_LENGTH:
        return CodeLookup(None, "unknown")
    runs = list(
        db.session.scalars(
            sa.select(GroupRun).where(GroupRun.code == code).order_by(GroupRun.started_at.desc())
        )
    )
    usable = [r for r in runs if r.is_open and r.code_expires_at > now]
    if usable:
        return CodeLookup(usable[0], None)
    return CodeLookup(runs[0] if runs else None, "expired" if runs else "unknown")


def module_of(run: GroupRun) -> Module:
    return content.load_version(run.version)


def runs_led_by(person: Person) -> tuple[list[GroupRun], list[GroupRun], dict[int, int]]:
    """The person's open runs, their recently closed ones, and the number present in each."""
    base = (
        sa.select(GroupRun)
        .where(GroupRun.facilitator_id == person.id)
        .options(joinedload(GroupRun.version), joinedload(GroupRun.unit))
    )
    open_runs = list(
        db.session.scalars(base.where(GroupRun.closed_at.is_(None)).order_by(GroupRun.started_at.desc()))
    )
    closed = list(
        db.session.scalars(
            base.where(GroupRun.closed_at.is_not(None))
            .order_by(GroupRun.closed_at.desc())
            .limit(RECENT_RUNS)
        )
    )
    ids = [r.id for r in open_runs + closed]
    counts = (
        dict(
            db.session.execute(
                sa.select(GroupParticipant.run_id, sa.func.count())
                .where(GroupParticipant.run_id.in_(ids), GroupParticipant.left_at.is_(None))
                .group_by(GroupParticipant.run_id)
            ).all()
        )
        if ids
        else {}
    )
    return open_runs, closed, counts


# Joining and leaving ------------------------------------------------------------------------------


def participant_of(run: GroupRun, person: Person) -> GroupParticipant | None:
    return db.session.scalar(sa.select(GroupParticipant).filter_by(run_id=run.id, person_id=person.id))


def join(
    run: GroupRun,
    person: Person,
    *,
    ticked_in_by: Person | None = None,
    now: datetime | None = None,
) -> GroupParticipant:
    """Put ``person`` in the run (again, if they had left). ``ticked_in_by``: the facilitator ticking
    in someone present without a phone; otherwise the person joins on their own phone."""
    if not run.is_open:
        raise RunClosed(run.id)
    now = now or utcnow()
    participant = participant_of(run, person)
    if participant is not None and not participant.present and participant.attempt.completed:
        return participant  # finished the module alone after leaving: nothing left to take part in
    if participant is not None and participant.present:
        if ticked_in_by is None:
            participant.last_seen_at = now
            db.session.flush()
        return participant
    if participant is None:
        attempt = Attempt(person=person, module_id=run.module_id, version=run.version, started_at=now)
        db.session.add(attempt)
        participant = GroupParticipant(run=run, person=person, attempt=attempt, joined_at=now)
        db.session.add(participant)
        db.session.flush()
        _forget_team(run)
        signals.attempt_started.send(current_app._get_current_object(), attempt=attempt)
    else:
        participant.left_at = participant.left_how = None
        participant.joined_at = now
    participant.ticked_in_by_id = ticked_in_by.id if ticked_in_by is not None else None
    participant.last_seen_at = None if ticked_in_by is not None else now
    db.session.flush()
    _mark_present(run, participant)
    _forget_team(run)
    signals.group_joined.send(
        current_app._get_current_object(), participant=participant, ticked_in_by=ticked_in_by
    )
    return participant


def seen(participant: GroupParticipant, *, now: datetime | None = None) -> None:
    """The participant's phone is here; written at most every ``SEEN_EVERY``, and only if the
    database lets it be written at once: it is a hint, and a poll must never fail over it."""
    now = now or utcnow()
    last = participant.last_seen_at
    if not participant.present or (last is not None and now - last < SEEN_EVERY):
        return
    try:
        with db.session.begin_nested():
            participant.last_seen_at = now
    except OperationalError:
        pass  # SQLite busy with another writer: the next poll tries again


def leave(
    participant: GroupParticipant, how: str = LeftHow.SELF, *, now: datetime | None = None
) -> None:
    """The participant leaves before the end: no completion at close. Their attempt stays open at
    the card the group had reached, so they can finish the module on their own."""
    if not participant.present or not participant.run.is_open:
        return
    run = participant.run
    learning.move_to(participant.attempt, module_of(run), run.position)
    participant.left_at = now or utcnow()
    participant.left_how = how
    db.session.flush()
    _forget_team(run)
    signals.group_left.send(current_app._get_current_object(), participant=participant)


# Pacing and answering -----------------------------------------------------------------------------


def move(run: GroupRun, index: int) -> None:
    """Show card ``index`` (kept within the module) on the shared screen and every phone."""
    if not run.is_open:
        raise RunClosed(run.id)
    index = max(0, min(index, len(module_of(run).cards) - 1))
    if index != run.position:
        run.position = index
        run.revision += 1
        run.shown = sorted({*(run.shown or []), index})
        db.session.flush()
        _mark_present(run)


def _mark_present(run: GroupRun, participant: GroupParticipant | None = None) -> None:
    """Note that the card on the screen is shown to ``participant`` (or to everyone present whose
    phone has not been silent for ``gone_minutes``), in one statement whatever the group's size."""
    heard_since = utcnow() - timedelta(minutes=gone_minutes())
    present = sa.select(GroupParticipant.id, sa.literal(run.position)).where(
        GroupParticipant.run_id == run.id,
        GroupParticipant.left_at.is_(None),
        sa.or_(GroupParticipant.last_seen_at.is_(None), GroupParticipant.last_seen_at >= heard_since),
        ~sa.select(GroupPresence.participant_id)
        .where(
            GroupPresence.participant_id == GroupParticipant.id,
            GroupPresence.card_index == run.position,
        )
        .exists(),
    )
    if participant is not None:
        present = present.where(GroupParticipant.id == participant.id)
    db.session.execute(sa.insert(GroupPresence).from_select(["participant_id", "card_index"], present))


def answerable(card: Card) -> bool:
    """Cards the participants answer on their phones: not reflections, which the group talks about."""
    card_type = card_types()[card.type]
    return card_type.takes_response and card_type.interaction_type != "long-fill-in"


def answer(
    participant: GroupParticipant,
    card: Card,
    response: Any,
    *,
    client_id: str | None = None,
    answered_at: datetime | None = None,
) -> tuple[Answer, bool]:
    """Store the participant's answer to a card the group has reached (through the learning
    service: graded, recorded and stated as in the solo player), given at ``answered_at`` (an
    answer the phone kept while it had no network; checked by the caller), else now."""
    run = participant.run
    if not run.is_open:
        raise RunClosed(run.id)
    if not participant.present:
        raise NotPresent(participant.id)
    if card.index > run.position or not answerable(card):
        raise NotAnswerableHere(card.id)
    if participant.attempt.completed:
        raise AlreadyFinished(participant.id)
    return learning.submit_answer(
        participant.attempt, card, response, client_id=client_id, answered_at=answered_at
    )


def answer_to(participant: GroupParticipant, card: Card) -> Answer | None:
    return db.session.scalar(
        sa.select(Answer).filter_by(attempt_id=participant.attempt_id, card_id=card.id)
    )


# What the shared screen shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    present: int
    with_phone: int
    answered: int
    """How many have answered the card on the screen."""


def room(run: GroupRun, card: Card) -> Room:
    """Counts for the shared screen, in one query whatever the size of the group."""
    answered = (
        sa.select(sa.func.count())
        .select_from(Answer)
        .join(GroupParticipant, GroupParticipant.attempt_id == Answer.attempt_id)
        .where(GroupParticipant.run_id == run.id, Answer.card_id == card.id)
        .scalar_subquery()
    )
    present_filter = GroupParticipant.left_at.is_(None)
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(present_filter),
            sa.func.count().filter(present_filter, GroupParticipant.last_seen_at.is_not(None)),
            answered,
        ).where(GroupParticipant.run_id == run.id)
    ).one()
    return Room(present=row[0], with_phone=row[1], answered=row[2])


def tally_of(run: GroupRun, card: Card) -> Tally:
    """The group's answers to ``card``, counted; who gave which answer is never read."""
    rows = db.session.execute(
        sa.select(Answer.response, Answer.score)
        .join(GroupParticipant, GroupParticipant.attempt_id == Answer.attempt_id)
        .where(GroupParticipant.run_id == run.id, Answer.card_id == card.id)
    ).all()
    return tally(card, card_types()[card.type], [(r.response, r.score) for r in rows])


def participants(run: GroupRun) -> list[GroupParticipant]:
    """Everyone who has been in the run, present first, by name (for the facilitator's list)."""
    query = (
        sa.select(GroupParticipant)
        .where(GroupParticipant.run_id == run.id)
        .options(joinedload(GroupParticipant.person))
        .options(joinedload(GroupParticipant.attempt).selectinload(Attempt.answers))
    )
    found = list(db.session.scalars(query).unique())
    return sorted(found, key=lambda p: (not p.present, p.person.name.casefold()))


# Closing ------------------------------------------------------------------------------------------


def gone_minutes() -> int:
    """A phone silent this long when the run closes counts as gone (``LMS_GROUP_GONE_MINUTES``;
    generous, since phones are locked while the group talks)."""
    return current_app.config["GROUP_GONE_MINUTES"]


def results(run: GroupRun, people: Iterable[GroupParticipant]) -> dict[int, GroupResult]:
    """What each of ``people`` gets from the run (``lms.groups.judging``), by participant id, judged
    on the cards shown so far: the phone, the close screen and the close itself all ask this, in
    one query (``people``' attempts should have their answers loaded)."""
    people = list(people)
    module = module_of(run)
    seen: dict[int, set[int]] = {p.id: set() for p in people}
    rows = db.session.execute(
        sa.select(GroupPresence.participant_id, GroupPresence.card_index).where(
            GroupPresence.participant_id.in_(list(seen))
        )
    )
    for participant_id, index in rows:
        seen[participant_id].add(index)
    scored = {card.index for card in module.scored_cards}
    results = {}
    for p in people:
        scores = _scores_by_index(module, p.attempt)
        judged = judge(
            card_count=len(module.cards),
            scored=scored,
            shown=run.shown or [],
            present_for=seen[p.id],
            scores=scores,
            pass_mark=module.pass_mark,
        )
        results[p.id] = _as_ended(p.attempt, judged, answered_every_question=scored <= set(scores))
    return results


def _as_ended(attempt: Attempt, judged: GroupResult, *, answered_every_question: bool) -> GroupResult:
    """An attempt already ended (by the close, or finished alone after leaving, which the close
    leaves as it is) has what it ended with; the run's judgement only for an open one. Its score
    is then of every question when each one was answered, whoever ended it."""
    if not attempt.completed:
        return judged
    return GroupResult(
        Verdict(attempt.outcome),
        attempt.score,
        judged.present_for,
        judged.shown,
        of_every_question=answered_every_question,
    )


def result_of(participant: GroupParticipant) -> GroupResult:
    return results(participant.run, [participant])[participant.id]


def _scores_by_index(module: Module, attempt: Attempt) -> dict[int, float | None]:
    by_id = {card.id: card.index for card in module.cards}
    return {by_id[a.card_id]: a.score for a in attempt.answers if a.card_id in by_id}


@dataclass(frozen=True)
class Closed:
    results: dict[int, GroupResult]
    """What each participant got, by participant id."""


def close(run: GroupRun, *, now: datetime | None = None) -> Closed:
    """Close the run: phones silent for too long count as gone, the join code stops working, and
    everyone who has been in the run gets what ``results`` says (an attempt judged to nothing stays
    open, to be finished on one's own; one already finished alone after leaving is left as it is)."""
    if not run.is_open:
        return Closed({})
    now = now or utcnow()
    gone_after = timedelta(minutes=gone_minutes())
    everyone = list(
        db.session.scalars(
            sa.select(GroupParticipant)
            .where(GroupParticipant.run_id == run.id)
            .options(joinedload(GroupParticipant.attempt).selectinload(Attempt.answers))
            .options(joinedload(GroupParticipant.person))
            .order_by(GroupParticipant.id)
        ).unique()
    )
    for participant in everyone:
        seen_at = participant.last_seen_at
        if participant.present and seen_at is not None and now - seen_at > gone_after:
            leave(participant, LeftHow.GONE, now=now)
    judged = results(run, everyone)
    module = module_of(run)
    run.closed_at = now
    run.revision += 1
    db.session.flush()
    for participant in everyone:
        result = judged[participant.id]
        if result.verdict is not None and not participant.attempt.completed:
            outcome = learning.Outcome(result.score, result.passed, result.verdict)
            learning.complete(participant.attempt, module, outcome, at=now)
    completed = [p for p in everyone if judged[p.id].verdict is not None]
    signals.group_run_closed.send(current_app._get_current_object(), run=run, completed=completed)
    return Closed(judged)


def made_at_close(participant: GroupParticipant, attempt: Attempt) -> bool:
    """Whether the attempt was completed by the run's close (so its statements are the run's)."""
    closed = participant.run.closed_at
    return closed is not None and attempt.completed_at == closed


# For the statements -------------------------------------------------------------------------------


def participant_for_attempt(attempt: Attempt) -> GroupParticipant | None:
    """The run participation an attempt belongs to, if any (None for a solo attempt). Asked at
    every statement about an attempt, most of them solo: the participation's id is looked up on
    the connection (after the flush the ORM's own query would make), and loaded only if found."""
    if attempt.id is None:
        return None
    db.session.flush()
    found = db.session.connection().scalar(_participant_of_attempt(), {"attempt_id": attempt.id})
    return None if found is None else db.session.get(GroupParticipant, found)


@functools.cache
def _participant_of_attempt() -> sa.Select:
    """Built once, the attempt's id bound when it runs."""
    return sa.select(GroupParticipant.id).where(
        GroupParticipant.attempt_id == sa.bindparam("attempt_id")
    )


def present_uuids(run: GroupRun) -> list[str]:
    """The present participants' opaque UUIDs (remembered for the request until someone joins or
    leaves, so a close with many completions asks once)."""
    teams = g.setdefault("group_teams", {}) if _has_g() else {}
    if run.id not in teams:
        teams[run.id] = list(
            db.session.scalars(
                sa.select(Person.uuid)
                .join(GroupParticipant, GroupParticipant.person_id == Person.id)
                .where(GroupParticipant.run_id == run.id, GroupParticipant.left_at.is_(None))
                .order_by(GroupParticipant.id)
            )
        )
    return teams[run.id]


def _forget_team(run: GroupRun) -> None:
    if _has_g():
        g.setdefault("group_teams", {}).pop(run.id, None)


def _has_g() -> bool:
    return has_app_context()


def people_to_tick_in(run: GroupRun, unit_ids: Iterable[int], search: str = "") -> list[Person]:
    """People the facilitator may tick in who are not present: the run's unit (and those below), or
    for an ad-hoc run whoever in the facilitator's units matches ``search``."""
    if run.unit_id is not None and not search:
        people = people_in_units(unit_ids_below([run.unit_id]))
    elif search.strip():
        people, _total = search_people(unit_ids, search=search, per_page=30)
    else:
        return []
    present = set(
        db.session.scalars(
            sa.select(GroupParticipant.person_id).where(
                GroupParticipant.run_id == run.id, GroupParticipant.left_at.is_(None)
            )
        )
    )
    return [p for p in people if p.id not in present and p.active]
