"""Test databases: the main one (SQLite by default, ``LMS_TEST_DATABASE_URL`` when set) and scratch
databases beside it for tests that need a database of their own (migrations, a live server)."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def main_database_url(tmp_dir: Path) -> str:
    return os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def scratch_database_url(tmp_dir: Path, name: str) -> str:
    """An empty database called ``name``: a new SQLite file, or a freshly made PostgreSQL database
    on the server of ``LMS_TEST_DATABASE_URL``."""
    base = os.environ.get("LMS_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / (name + '.sqlite3')}"
    url = make_url(base)
    database = f"{url.database}_{name}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)
