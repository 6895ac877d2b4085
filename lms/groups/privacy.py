"""Group runs a person took part in or led, for "Mine data". Nothing here is erased: a
participation holds no free text, and the completions it gave stay for the aggregates."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.groups.models import GroupParticipant, GroupPresence, GroupRun
from lms.organisation.models import Person
from lms.privacy.sections import Section, record_of
from lms.signals import personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    joined = db.session.scalars(
        sa.select(GroupParticipant)
        .where(GroupParticipant.person_id == person.id)
        .order_by(GroupParticipant.id)
    )
    joined = list(joined)
    present_for = _cards_present_for([p.id for p in joined])
    participations = [
        record_of(
            p,
            "joined_at",
            "left_at",
            "left_how",
            run=p.run.uuid,
            module_id=p.run.module_id,
            ticked_in=p.ticked_in_by_id is not None,
            cards_present_for=present_for.get(p.id, []),
        )
        for p in joined
    ]
    led = db.session.scalars(
        sa.select(GroupRun).where(GroupRun.facilitator_id == person.id).order_by(GroupRun.id)
    )
    runs = [record_of(r, "uuid", "module_id", "started_at", "closed_at") for r in led]
    return [
        Section("group_runs", _("Gruppeøkter du har deltatt i"), participations, order=40),
        Section("group_runs_led", _("Gruppeøkter du har ledet"), runs, order=41),
    ]


def _cards_present_for(participant_ids: list[int]) -> dict[int, list[int]]:
    """The card numbers (from 1) each participation was present for, by participant id."""
    rows = db.session.execute(
        sa.select(GroupPresence.participant_id, GroupPresence.card_index)
        .where(GroupPresence.participant_id.in_(participant_ids))
        .order_by(GroupPresence.participant_id, GroupPresence.card_index)
    )
    found: dict[int, list[int]] = {}
    for participant_id, index in rows:
        found.setdefault(participant_id, []).append(index + 1)
    return found
