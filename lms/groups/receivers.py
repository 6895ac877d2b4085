"""What groups answer when other features ask (``lms.signals``)."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Flask

from lms import signals
from lms.groups.models import GroupParticipant, GroupRun
from lms.learning.models import Attempt


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.attempt_held_elsewhere.connect(held_by_open_run)


def held_by_open_run(_app: Flask) -> sa.ColumnElement[bool]:
    """An attempt of a participant still present in a group run that is not closed: the
    facilitator paces it, so the player does not offer it to go on with alone. The same condition
    each time, so that the player's query is built once (``learning.services.open_attempt``)."""
    return _held_by_open_run()


@functools.cache
def _held_by_open_run() -> sa.ColumnElement[bool]:
    return (
        sa.select(GroupParticipant.id)
        .join(GroupRun, GroupRun.id == GroupParticipant.run_id)
        .where(
            GroupParticipant.attempt_id == Attempt.id,
            GroupParticipant.left_at.is_(None),
            GroupRun.closed_at.is_(None),
        )
        .exists()
    )
