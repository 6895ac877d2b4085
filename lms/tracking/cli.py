"""``lms xapi``: the outbox's state and the operations on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext

from lms.extensions import db
from lms.tracking.services import deliver_outbox, missing_from_lrs, prune_outbox
from xapi import outbox
from xapi.db import utcnow
from xapi.delivery import resume


@click.group("xapi")
def xapi_group() -> None:
    """The xAPI outbox and its delivery to the LRS."""


@xapi_group.command("status")
@with_appcontext
def status() -> None:
    """Pending (how many of them are being sent, and the age of the oldest), sent and dead
    statements; a pause, if any."""
    now = utcnow()
    state = outbox.status(db.session, now)
    age = state.oldest_age(now)
    click.echo(f"pending: {state.pending} (being sent: {state.in_flight})")
    click.echo(f"oldest pending: {_age(age) if age is not None else '-'}")
    click.echo(f"sent: {state.sent}")
    click.echo(f"dead: {state.dead}")
    if state.paused_until and state.paused_until > now:
        click.echo(f"PAUSED until {state.paused_until.isoformat()}: {state.alert}")
    for row in outbox.dead_letters(db.session, limit=20):
        click.echo(f"dead {row.statement_id}: {row.last_error}")


def _age(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    return f"{seconds // 3600}h {seconds % 3600 // 60}m {seconds % 60}s"


@xapi_group.command("deliver")
@with_appcontext
def deliver() -> None:
    """Send what is due now, once (the scheduler does this every few seconds)."""
    report = deliver_outbox()
    click.echo(f"sent {report.sent}, retried later {report.retried}, dead {report.dead}")
    for error in report.errors:
        click.echo(f"error: {error}")
    if report.paused:
        click.echo("delivery is paused: see `lms xapi status`")


@xapi_group.command("retry-dead")
@with_appcontext
def retry_dead() -> None:
    """Put the dead statements back in the queue (after the cause is fixed)."""
    count = outbox.retry_dead(db.session)
    db.session.commit()
    click.echo(f"{count} statements queued again")


@xapi_group.command("resume")
@with_appcontext
def resume_delivery() -> None:
    """Lift a pause caused by refused credentials."""
    resume(db.session)
    db.session.commit()
    click.echo("delivery resumed")


@xapi_group.command("prune")
@with_appcontext
def prune() -> None:
    """Delete delivered statements older than LMS_XAPI_KEEP_SENT_DAYS."""
    count = prune_outbox()
    db.session.commit()
    click.echo(f"{count} delivered statements pruned")


@xapi_group.command("reconcile")
@click.option("--since", type=click.DateTime(), help="start (UTC); default: 24 hours ago")
@click.option("--until", type=click.DateTime(), help="end (UTC); default: now")
@with_appcontext
def reconcile(since: datetime | None, until: datetime | None) -> None:
    """Ask the LRS for the statements sent in a period and report any it does not have."""
    until = _utc(until) if until else utcnow()
    since = _utc(since) if since else until - timedelta(days=1)
    missing = missing_from_lrs(since, until)
    for statement_id in missing:
        click.echo(f"missing: {statement_id}")
    click.echo(f"{len(missing)} sent statements missing from the LRS")
    if missing:
        raise SystemExit(1)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
