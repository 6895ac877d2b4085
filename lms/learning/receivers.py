"""What learning answers when other features ask (``lms.signals``)."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from flask import Flask

from lms import signals
from lms.extensions import db
from lms.learning.models import Attempt


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.module_version_attempts.connect(attempts_per_version)


def attempts_per_version(_app: Flask, version_ids: Collection[int] | None) -> dict[int, int]:
    query = sa.select(Attempt.version_id, sa.func.count()).group_by(Attempt.version_id)
    if version_ids is not None:
        query = query.where(Attempt.version_id.in_(version_ids))
    return dict(db.session.execute(query).all())
