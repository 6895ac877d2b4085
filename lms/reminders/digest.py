"""The managers' weekly digest: on Monday morning, each manager's list of what is overdue or due
within a week among the assigned modules of the people in their units, and the required competence
that has expired or runs out within 30 days. ``due`` says which digests are to go out now;
``lms.reminders.sending.tick`` claims and sends them like any other reminder (once per manager and
week: the key ``digest:<id>:<week>``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.content.localised import pick
from lms.core.time import day_and_month, local_zone, start_of_local_day
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment
from lms.organisation.services import unit_ids_below
from lms.reminders import channels
from lms.reminders.models import Reminder
from lms.reminders.services import open_items_for

DIGEST_HOUR = 7
"""The digest goes out on Monday from this local hour."""


@dataclass(frozen=True)
class DigestLine:
    person_name: str
    title: str
    due_on: date


def digest_lines(manager: Person, today: date) -> list[DigestLine]:
    """Assigned modules overdue or due within a week, and required competence expired or running
    out within 30 days, for people in the manager's units."""
    roots = db.session.scalars(
        sa.select(RoleAssignment.unit_id).where(
            RoleAssignment.person_id == manager.id, RoleAssignment.role == Role.MANAGER
        )
    )
    units = unit_ids_below(roots)
    if not units:
        return []
    people = db.session.scalars(
        sa.select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.unit_id.in_(units),
            RoleAssignment.role == Role.STAFF,
            Person.active.is_(True),
        )
        .distinct()
        .order_by(Person.name)
    ).all()
    lines = []
    locale = manager.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    items_of = open_items_for(people)
    for person in people:
        for item in items_of.get(person.id, []):
            due = item.item.due
            if due is not None and due <= today + timedelta(days=7):
                lines.append(DigestLine(person.name, pick(item.titles, locale), due))
    lines += _expiring_competence(people, today, locale)
    return sorted(lines, key=lambda line: (line.due_on, line.person_name))


def _expiring_competence(people: Sequence[Person], today: date, locale: str) -> list[DigestLine]:
    """Required competence that has expired or runs out within 30 days, from the stored status the
    competence feature keeps (read only)."""
    from lms.competence.models import Competence, RequirementStatus, State

    names = {p.id: p.name for p in people}
    if not names:
        return []
    soon = start_of_local_day(today + timedelta(days=30))
    rows = db.session.execute(
        sa.select(RequirementStatus.person_id, RequirementStatus.valid_until, Competence.titles)
        .join(Competence, Competence.id == RequirementStatus.competence_id)
        .where(
            RequirementStatus.person_id.in_(list(names)),
            RequirementStatus.state.in_([int(State.RENEWAL_DUE), int(State.EXPIRED)]),
            RequirementStatus.valid_until.is_not(None),
            RequirementStatus.valid_until < soon,
        )
    )
    return [
        DigestLine(names[person_id], pick(titles, locale), valid_until.astimezone(local_zone()).date())
        for person_id, valid_until, titles in rows
    ]


def due(now: datetime) -> Iterator[tuple[Person, str, channels.Message]]:
    """The digests to send at ``now``: on Monday from 07:00 local time, for each manager with
    something to report and no digest claimed yet this week, the manager, the reminder's key and
    the message."""
    local = now.astimezone(local_zone())
    if local.weekday() != 0 or local.hour < DIGEST_HOUR:
        return
    today = local.date()
    managers = db.session.scalars(
        sa.select(Person)
        .where(
            Person.active.is_(True),
            sa.exists().where(
                RoleAssignment.person_id == Person.id, RoleAssignment.role == Role.MANAGER
            ),
        )
        .order_by(Person.id)
    ).all()
    week = today.isocalendar()
    for manager in managers:
        key = f"digest:{manager.id}:{week.year}-W{week.week:02d}"
        if db.session.scalar(sa.select(Reminder.id).where(Reminder.key == key)) is not None:
            continue
        lines = digest_lines(manager, today)
        if lines:
            yield manager, key, digest_message(manager, lines, today)


def digest_message(manager: Person, lines: Sequence[DigestLine], today: date) -> channels.Message:
    locale = manager.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        overdue = [line for line in lines if line.due_on < today]
        subject = _(
            "Ukeoversikt: %(overdue)s forfalt, %(soon)s med frist denne uken",
            overdue=len(overdue),
            soon=len(lines) - len(overdue),
        )
        rows = [f"- {line.person_name}: {line.title} ({day_and_month(line.due_on)})" for line in lines]
        body = "\n".join(rows)
    return channels.Message(str(subject), body, current_app.config["BASE_URL"] + "/")
