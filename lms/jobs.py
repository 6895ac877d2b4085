"""The scheduler's jobs, declared in one place, and the runner that gives each its own transaction."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask

from lms.accounts.codes import prune_sign_in_codes
from lms.accounts.ending import end_accounts
from lms.accounts.services import prune_sign_in_links
from lms.accounts.sessions import prune_sessions
from lms.competence.services import refresh_expiring
from lms.content.review_reminders import send_review_reminders
from lms.extensions import db, scheduler
from lms.privacy.retention import apply_retention
from lms.reminders.leader import leadership
from lms.reminders.services import tick as send_reminders
from lms.shifts.services import sync_due_feeds
from lms.tracking.services import deliver_outbox, prune_outbox


def jobs(config: dict) -> list[tuple[str, Callable[[], object], dict]]:
    """(id, function, trigger arguments) of every job. Each function changes the session and the
    runner commits, except the xAPI delivery, which commits a short transaction to claim each batch
    and another to record what the LRS said (posting in between, with none open), and the
    reminders, which commit once per reminder they claim and send."""
    return [
        ("prune-sign-in-links", prune_sign_in_links, {"trigger": "interval", "hours": 1}),
        ("prune-sign-in-codes", prune_sign_in_codes, {"trigger": "interval", "hours": 1}),
        ("prune-sign-in-sessions", prune_sessions, {"trigger": "interval", "hours": 1}),
        ("end-accounts", end_accounts, {"trigger": "cron", "hour": 0, "minute": 7}),
        (
            "deliver-xapi",
            deliver_outbox,
            {"trigger": "interval", "seconds": config["XAPI_DELIVERY_SECONDS"]},
        ),
        ("prune-xapi-outbox", prune_outbox, {"trigger": "cron", "hour": 3, "minute": 17}),
        ("competence-expiry", refresh_expiring, {"trigger": "cron", "hour": 2, "minute": 41}),
        (
            "send-reminders",
            send_reminders,
            {"trigger": "interval", "minutes": config.get("REMINDER_TICK_MINUTES", 5)},
        ),
        ("sync-shift-feeds", sync_due_feeds, {"trigger": "interval", "minutes": 10}),
        ("apply-retention", apply_retention, {"trigger": "cron", "hour": 3, "minute": 47}),
        ("module-review", send_review_reminders, {"trigger": "cron", "hour": 7, "minute": 13}),
    ]


def run_job(app: Flask, function: Callable[[], object]) -> None:
    """Run ``function`` in an app context and commit once, or roll back if it fails. Only the
    process elected by the database lock runs jobs (``lms.reminders.leader``); others skip them."""
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
    for job_id, function, trigger in jobs(app.config):
        scheduler.add_job(
            functools.partial(run_job, app, function),
            id=job_id,
            name=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            **trigger,
        )
    if not scheduler.running:
        scheduler.start()
