"""Loading features and plugins (``lms.loading``): the built-ins always, a plugin only when named."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.feature import FeatureError, loaded_features
from lms.loading import BUILT_IN
from lms.scheduler import jobs
from tests.conftest import app_config


def test_every_built_in_feature_is_loaded_and_their_jobs_are_the_schedulers(app):
    names = [feature.name for feature in loaded_features(app)]
    assert len(names) == len(BUILT_IN) and "reminders" in names and "home" in names
    assert {job.id for job in jobs(app)} >= {"send-reminders", "apply-retention", "deliver-xapi"}
    assert {"modules", "scheduler", "xapi", "lrs", "api", "competence"} <= set(app.cli.commands)


def test_a_plugin_named_but_not_installed_stops_the_app_naming_it(tmp_path):
    config = app_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with pytest.raises(FeatureError, match="LMS_PLUGINS names the plugin 'no-such-plugin'"):
        create_app({**config, "PLUGINS": "no-such-plugin"})
