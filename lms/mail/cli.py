"""``lms mail``: the mail outbox's state, and draining it by hand."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.extensions import db
from lms.mail import outbox


@click.group("mail")
def mail_group() -> None:
    """The outbox of outgoing mail."""


@mail_group.command("drain")
@with_appcontext
def drain_command() -> None:
    """Send the messages that are due now (as the drain-mail job does)."""
    report = outbox.drain()
    click.echo(f"sent: {report.sent}, to retry: {report.retried}, failed: {report.failed}")
    for error in report.errors[:10]:
        click.echo(f"  {error}")


@mail_group.command("status")
@with_appcontext
def status_command() -> None:
    """Pending (and due now) messages, the oldest pending, sent and failed ones."""
    state = outbox.status(db.session)
    oldest = state.oldest_pending.isoformat() if state.oldest_pending else "-"
    click.echo(f"pending: {state.pending} (due now: {state.due}), oldest queued {oldest}")
    click.echo(f"sent: {state.sent}")
    click.echo(f"failed: {state.failed}")
    for row in outbox.failures(db.session):
        click.echo(f"  failed {row.id} to {row.recipient} after {row.attempts} tries: {row.last_error}")
