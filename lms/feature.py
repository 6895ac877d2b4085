"""The one way a feature package or a plugin plugs into Lærevakt: a declared ``Feature``.

Every built-in feature package declares one in its ``feature.py`` (``feature = Feature(...)``);
an installed plugin names one through the ``lms.plugins`` entry point group and is loaded only when
``LMS_PLUGINS`` names it. ``lms.loading`` loads both the same way: it registers the blueprints,
calls ``connect(app)``, adds the CLI commands to ``app.cli``, hands the jobs to the scheduler, fills
in the settings and adds the translation folder. Nothing here imports a feature: features import
this, and the app assembly reads what they declare.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import click
from flask import Blueprint, Flask

Trigger = Mapping[str, object] | Callable[[Mapping], Mapping[str, object]]


@dataclass(frozen=True)
class Job:
    """A scheduled job: ``function()`` runs in an app context and the scheduler commits after it.
    ``trigger`` is APScheduler's trigger arguments (``{"trigger": "cron", "hour": 3}``), or a
    function of the app's config that returns them (for an interval a setting chooses)."""

    id: str
    function: Callable[[], object]
    trigger: Trigger

    def trigger_for(self, config: Mapping) -> dict[str, object]:
        return dict(self.trigger(config) if callable(self.trigger) else self.trigger)


@dataclass(frozen=True)
class Feature:
    """What a feature package or plugin adds to the app.

    - ``blueprints``: registered in order (their templates and static files come with them).
    - ``connect``: called once per app with the app; connects the receivers of ``lms.signals``.
      A plugin connects with ``sender=app`` so that its receivers answer only apps it is enabled in.
    - ``cli``: click commands or groups, added to the ``lms`` command.
    - ``jobs``: the scheduler's jobs.
    - ``privacy``: the module answering ``personal_data_requested`` and ``person_erasing`` for what
      the feature stores about a person (its receivers connect when it is imported).
    - ``settings``: config keys and their defaults; each is read from ``LMS_<KEY>`` in the
      environment unless the app's config already has it.
    - ``translations``: a folder of ``<locale>/LC_MESSAGES/messages.mo`` merged into the app's.
    """

    name: str
    blueprints: tuple[Blueprint, ...] = ()
    connect: Callable[[Flask], None] | None = None
    cli: tuple[click.Command, ...] = ()
    jobs: tuple[Job, ...] = ()
    privacy: ModuleType | None = None
    settings: Mapping[str, str | None] = field(default_factory=dict)
    translations: Path | None = None


FEATURES_KEY = "lms.features"
"""Where ``lms.loading`` keeps the loaded features in ``app.extensions``."""


def loaded_features(app: Flask) -> tuple[Feature, ...]:
    """The features loaded into ``app``, built-in ones first, then the enabled plugins."""
    return app.extensions[FEATURES_KEY]


class FeatureError(RuntimeError):
    """A plugin named in ``LMS_PLUGINS`` is missing or does not declare a ``Feature``."""
