"""The scheduler in one package: the jobs the loaded features declare (``lms.feature.Job``), the
runner that gives each its own transaction, the election of the one process that runs them
(``leader``) and the ``lms scheduler`` command (``cli``)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask

from lms.extensions import db, scheduler
from lms.feature import Job, loaded_features
from lms.scheduler.leader import leadership


def jobs(app: Flask) -> list[Job]:
    """Every job of the features loaded into ``app``. Each function changes the session and the
    runner commits, except the xAPI delivery, which commits a short transaction to claim each batch
    and another to record what the LRS said (posting in between, with none open), the mail drain,
    which does the same for each batch of mail (``lms.mail.outbox``), and the reminders, which
    commit once per reminder they claim and send."""
    return [job for feature in loaded_features(app) for job in feature.jobs]


def run_job(app: Flask, function: Callable[[], object]) -> None:
    """Run ``function`` in an app context and commit once, or roll back if it fails. Only the
    process elected by the database lock runs jobs (``lms.scheduler.leader``); others skip them."""
    if not leadership(app).holds():
        return
    with app.app_context():
        try:
            function()
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("job %s failed", function.__name__)


def start_scheduler(app: Flask) -> None:
    for job in jobs(app):
        scheduler.add_job(
            functools.partial(run_job, app, job.function),
            id=job.id,
            name=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            **job.trigger_for(app.config),
        )
    if not scheduler.running:
        scheduler.start()
