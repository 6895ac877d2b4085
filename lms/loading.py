"""Loading the features into an app: the built-in ones from ``BUILT_IN``, then the installed plugins
``LMS_PLUGINS`` enables, all the same way (``lms.feature``).

A plugin is a distribution with an entry point in the ``lms.plugins`` group whose value is a
``Feature``; its name is what ``LMS_PLUGINS`` lists. An installed plugin that is not listed is not
loaded; a listed one that is not installed stops the app from starting, naming it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points

from flask import Flask

from lms.feature import FEATURES_KEY, Feature, FeatureError

PLUGINS_GROUP = "lms.plugins"

BUILT_IN = (
    "lms.core.feature",
    "lms.accounts.feature",
    "lms.sso.feature",
    "lms.organisation.feature",
    "lms.content.feature",
    "lms.learning.feature",
    "lms.practice.feature",
    "lms.groups.feature",
    "lms.lrs",
    "lms.tracking.feature",
    "lms.mail.feature",
    "lms.shifts.feature",
    "lms.reminders.feature",
    "lms.scheduler.feature",
    "lms.competence.feature",
    "lms.reports.feature",
    "lms.workshops.feature",
    "lms.audit.feature",
    "lms.privacy.feature",
    "lms.api.feature",
    "lms.assignments.feature",
    "lms.introduction.feature",
    "lms.insights.feature",
    "lms.planning.feature",
    "lms.credentials.feature",
)
"""The modules declaring the built-in features (each has ``feature``), in the order their
blueprints are registered."""


def enabled_plugin_names(setting: str | Sequence[str] | None) -> list[str]:
    """``LMS_PLUGINS`` as names: a comma-separated string, or a list given in the config."""
    parts = setting.split(",") if isinstance(setting, str) else (setting or ())
    return [name.strip() for name in parts if name.strip()]


def built_in_features() -> list[Feature]:
    return [importlib.import_module(name).feature for name in BUILT_IN]


def plugin_features(names: Iterable[str]) -> list[Feature]:
    """The ``Feature`` of each named plugin, in the order named."""
    installed = {entry_point.name: entry_point for entry_point in entry_points(group=PLUGINS_GROUP)}
    found = []
    for name in names:
        if name not in installed:
            known = ", ".join(sorted(installed)) or "none"
            raise FeatureError(
                f"LMS_PLUGINS names the plugin {name!r}, but no installed distribution has an "
                f"{PLUGINS_GROUP!r} entry point of that name (installed: {known})"
            )
        feature = installed[name].load()
        if not isinstance(feature, Feature):
            raise FeatureError(
                f"the {PLUGINS_GROUP!r} entry point {name!r} ({installed[name].value}) "
                "is not an lms.feature.Feature"
            )
        found.append(feature)
    return found


def load_features(app: Flask) -> tuple[Feature, ...]:
    """Load every built-in feature and every enabled plugin into ``app``."""
    features = (
        *built_in_features(),
        *plugin_features(enabled_plugin_names(app.config.get("PLUGINS"))),
    )
    names = [feature.name for feature in features]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FeatureError(f"two features have the same name: {', '.join(repeated)}")
    for feature in features:
        _load(app, feature)
    app.extensions[FEATURES_KEY] = features
    return features


def _load(app: Flask, feature: Feature) -> None:
    for key, default in feature.settings.items():
        if key not in app.config:
            app.config[key] = os.environ.get(f"LMS_{key}") or default
    if feature.translations is not None:
        app.extensions["babel"].translation_directories.append(str(feature.translations))
    for blueprint in feature.blueprints:
        app.register_blueprint(blueprint)
    for command in feature.cli:
        app.cli.add_command(command)
    if feature.connect is not None:
        feature.connect(app)
