"""Migration 3c0ffee15a7e: the sessions' free-text actions become one open action a line."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from lms import create_app
from lms.core.setup import MIGRATIONS_FOLDER
from lms.extensions import db
from tests.conftest import app_config
from tests.support.databases import scratch_database_url

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def test_free_text_actions_become_open_actions(tmp_path):
    url = scratch_database_url(tmp_path, "actions")
    migrated = create_app(app_config(tmp_path, url))
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS_FOLDER), revision="31330caa5e0a")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO units (id, kind, name, created_at) VALUES (1, 'unit', 'Sone', :now)"
                ).bindparams(now=NOW)
            )
            connection.execute(
                sa.text(
                    "INSERT INTO workshop_series (id, uuid, unit_id, title, description, agenda,"
                    " questions, place, capacity, required_share, created_at)"
                    " VALUES (1, 'u', 1, 'Gruppe', '', '[]', '[]', '', 7, 80, :now)"
                ).bindparams(now=NOW)
            )
            connection.execute(
                sa.text(
                    "INSERT INTO workshop_sessions (id, series_id, uid, sequence, starts_at, ends_at,"
                    " check_in_token, notes, actions, created_at, updated_at)"
                    " VALUES (1, 1, 'x@laerevakt', 0, :now, :now, 't', '', :actions, :now, :now)"
                ).bindparams(now=NOW, actions="- Låse skjermen\n\n* Spørre IT\n")
            )
        upgrade(directory=str(MIGRATIONS_FOLDER))
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT session_id, text, status, owner_id FROM workshop_actions ORDER BY id")
            ).all()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, "Låse skjermen", "open", None),
        (1, "Spørre IT", "open", None),
    ]
