"""The migrations are one line of history, and applying them gives exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from lms import create_app
from lms.core.setup import MIGRATIONS_FOLDER
from lms.extensions import db
from tests.conftest import app_config
from tests.support.databases import scratch_database_url


def test_there_is_a_single_migration_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS_FOLDER))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_the_migrated_schema_matches_the_models(tmp_path):
    url = scratch_database_url(tmp_path, "migrations")
    migrated = create_app(app_config(tmp_path, url))
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS_FOLDER))
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
