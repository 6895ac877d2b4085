"""The phone's new card after a change, rendered once per run, revision, card and language.

At a card change every phone in the room fetches its new card within the same 0.75 s. Rendered per
phone (sign-in, the participation, its answer, the card's template: about 10 ms of CPU) 200 phones
are 2 CPU-seconds, more than two gunicorn workers serve in a second. But a card nobody has answered
yet is the same HTML for every phone but for the participant's id in the forms' addresses. So
``CardCache`` keeps, per process, the rendered card split where the id goes (``CardTemplate``),
made once per (run, revision, card, language), and a phone's fetch joins the parts with its own
id: no template, no sign-in, no session, no ORM object. The card goes to an open phone with the
answer to the poll that tells it of the change (``card_with_poll``, ``live.answer_poll``), ahead
of Flask (``live_wsgi``), so a card change costs each phone one request; the first such poll in a
process renders it. The card's own address (``/groups/live/<token>/card``) stays for a phone whose
poll brought no card (a page's first poll, a phone sent on to its signed-in fragment).

The card carries no CSRF token: a token belongs to the phone's session, and reading the session
would bring Flask's session handling back into every fetch. The phone's page carries its token
(``data-csrf``, the same value its forms have) and ``group.js`` puts it into the new card's forms.
Without JavaScript the card is never fetched: the signed-in page shows it, with its token, as
before.

What each phone is told stays what the signed-in fragment tells it:

- Only an *open* phone (present, run open) on a card it has *not answered* gets the shared card.
  Whether it has answered is one indexed read (``has_answered``), and only on cards that take an
  answer; reflections and text cards cost no statement at all. A phone that has answered, left,
  or whose run closed, is sent on (302) to the signed-in fragment (``/groups/me/<id>?fragment=1``),
  which shows its own answer, its result or the end screen as before: a person's answer is only
  ever shown through their own sign-in.
- The card is the one at the state's revision, and the state is read again when the phone asks for
  a revision this process has not seen yet (the phone learnt of it from another process), so a
  phone never gets, and keeps, the card it had.
- The token names the participant (``live.read_token``). Answering stays the ordinary signed-in,
  CSRF-protected POST, for the owner of the participation only. A leaked token shows the card the
  group is on, which the screen shows the whole room, and no one's answer.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Flask, current_app, render_template
from flask_babel import force_locale

from lms.config import LOCALES
from lms.extensions import db
from lms.groups import live, services
from lms.groups.live import RunState
from lms.groups.models import GroupParticipant, GroupRun
from lms.learning.models import Answer
from lms.plugins import card_types

PARTICIPANT_MARK = 2_147_483_647
"""The participant id the shared card is rendered with, replaced by each phone's own (a number
no card's text holds: the largest id a 32-bit key takes)."""
MAX_CARDS = 256
"""Rendered cards a process keeps before it starts afresh (a few per open run)."""


@dataclass(frozen=True)
class CardTemplate:
    """A rendered card, cut where the participant's id goes."""

    card_id: str
    answerable: bool
    """Whether the card takes an answer on the phone (then a phone that answered it already is
    sent to the signed-in fragment, which shows the answer)."""
    parts: tuple[str, ...]
    """The text between the places where the participant's id goes."""

    @classmethod
    def cut(cls, card_id: str, answerable: bool, html: str) -> CardTemplate:
        return cls(card_id, answerable, tuple(html.split(str(PARTICIPANT_MARK))))

    def fill(self, participant_id: int) -> str:
        return str(participant_id).join(self.parts)


@dataclass
class CardCache:
    """One process's rendered cards, by (run, revision, position, language)."""

    cards: dict[tuple[int, int, int, str], CardTemplate] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while a card is rendered (a few times a minute per open run)."""

    def rendered(self, run_id: int, state: RunState, locale: str) -> CardTemplate | None:
        """The card at ``state`` in ``locale`` if this process has rendered it already."""
        return self.cards.get((run_id, state.revision, state.position, locale))

    def card(self, run_id: int, state: RunState, locale: str) -> CardTemplate | None:
        """The open card at ``state`` in ``locale``; rendered on the first ask (one read of the
        run), by one thread: at a change many phones ask at once, and the others wait for that
        render rather than each doing it again. None if the run is gone."""
        key = (run_id, state.revision, state.position, locale)
        found = self.cards.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self.cards.get(key)
            if found is None:
                found = _render(run_id, state.position, locale)
                if found is None:
                    return None
                if len(self.cards) >= MAX_CARDS:
                    self.cards.clear()
                self.cards[key] = found
        return found


def _render(run_id: int, position: int, locale: str) -> CardTemplate | None:
    run = db.session.get(GroupRun, run_id)
    if run is None:
        return None
    module = services.module_of(run)
    card = module.cards[position]
    card_type = card_types()[card.type]
    answerable = services.answerable(card)
    with force_locale(locale):
        body = None
        if answerable or not card_type.takes_response:
            body = card_type.render(card, locale=locale, response=None, grade=None, error=None)
        html = render_template(
            "groups/_phone_card.html",
            participant=SimpleNamespace(id=PARTICIPANT_MARK),
            csrf_token=lambda: "",
            status="open",
            finished=False,
            run=run,
            module=module,
            card=card,
            card_type=card_type,
            answerable=answerable,
            answer=None,
            body=body,
            error=None,
            result=None,
            standing=None,
            share=None,
            locale=locale,
        )
    return CardTemplate.cut(card.id, answerable, html)


GONE, SIGNED_IN = "gone", "signed in"
"""What ``card_for`` says instead of a card: the run is gone (404); the phone's signed-in fragment
answers (302), for a phone that left, whose run closed or that answered the card."""


def card_for(
    participant_id: int, run_id: int, wanted: int | None, locale: str, *, render: bool
) -> CardTemplate | str | None:
    """What the phone is to be shown after a change to revision ``wanted`` (which it may have
    learnt from another process: then the state is read again): the card, ``SIGNED_IN`` or
    ``GONE``. Without ``render`` (ahead of Flask, no request to render in), None for a card
    this process has not rendered yet. Needs an app context."""
    state = live.states().state_of(run_id, at_least=wanted)
    if state is None:
        return GONE
    if state.status_of(participant_id) != "open" or (wanted is not None and state.revision < wanted):
        return SIGNED_IN
    card = open_card(participant_id, run_id, state, locale, render=render)
    if card is None:
        return GONE if render else None
    return card


def open_card(
    participant_id: int, run_id: int, state: RunState, locale: str, *, render: bool
) -> CardTemplate | str | None:
    """For an open phone: the card at ``state``, or ``SIGNED_IN`` if the phone has answered it.
    None if the run is gone or, without ``render``, this process has not rendered the card yet."""
    card = cards().card(run_id, state, locale) if render else cards().rendered(run_id, state, locale)
    if card is None:
        return None
    if card.answerable and has_answered(participant_id, card.card_id):
        return SIGNED_IN
    return card


def card_with_poll(
    participant_id: int, run_id: int, state: RunState, locale: str, *, render: bool
) -> str | None:
    """The card an open phone gets with its poll's answer after a change (``live.answer_poll``):
    the room's card with its id, or None when the phone is to fetch what it is shown (it has
    answered the card: its signed-in fragment shows the answer)."""
    card = open_card(participant_id, run_id, state, locale, render=render)
    return card.fill(participant_id) if isinstance(card, CardTemplate) else None


def live_locale(args: Mapping[str, str]) -> str:
    """The language the phone asks its card in (``?lang=``), or the platform's default."""
    locale = args.get("lang")
    return locale if locale in LOCALES else current_app.config["BABEL_DEFAULT_LOCALE"]


def has_answered(participant_id: int, card_id: str) -> bool:
    """Whether the participant has answered the card: one indexed read, no ORM object."""
    participants, answers = GroupParticipant.__table__, Answer.__table__
    query = (
        sa.select(sa.literal(1))
        .select_from(answers.join(participants, participants.c.attempt_id == answers.c.attempt_id))
        .where(participants.c.id == participant_id, answers.c.card_id == card_id)
        .limit(1)
    )
    return db.session.connection().execute(query).first() is not None


EXTENSION = "lms.groups.live_card"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = CardCache()


def cards() -> CardCache:
    """This process's ``CardCache`` (made by ``init_app`` with the groups blueprint)."""
    return current_app.extensions[EXTENSION]
