"""``lms scheduler``: the scheduler as a process of its own (production), and its status.

``lms run`` (and gunicorn with ``LMS_SCHEDULER=true``) keeps the scheduler in the web process instead.
Either way every process may start it: a database lock elects the one that runs the jobs
(``lms.scheduler.leader``), and the others wait to take over.

**Simulated time (tests only).** ``--simulate-from``/``--simulate-until``/``--step-minutes`` run the
reminder job at simulated instants instead of on the clock, as fast as it goes: the process waits
until it is the leader, then runs one tick per step and exits. ``--every-process`` skips the election,
so that a test can show that the unique keys alone keep each reminder single. Nothing else reads a
simulated clock.
"""

from __future__ import annotations

import signal
import threading
import time as wall
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.extensions import db


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-03-23T00:00Z")
    return moment.astimezone(UTC)


@click.group("scheduler", invoke_without_command=True)
@click.option("--simulate-from", help="Tests only: first simulated instant (ISO 8601 with zone).")
@click.option("--simulate-until", help="Tests only: last simulated instant.")
@click.option("--step-minutes", default=30, show_default=True, help="Tests only: simulated step.")
@click.option("--every-process", is_flag=True, help="Tests only: run the jobs without the election.")
@click.pass_context
@with_appcontext
def scheduler_group(
    ctx: click.Context,
    simulate_from: str | None,
    simulate_until: str | None,
    step_minutes: int,
    every_process: bool,
) -> None:
    """Run the scheduler's jobs in this process (when elected) until stopped."""
    if ctx.invoked_subcommand is not None:
        return
    from lms.scheduler.leader import leadership

    app = current_app._get_current_object()
    start, until = _instant(simulate_from), _instant(simulate_until)
    if start is not None:
        _simulate(app, start, until or start, timedelta(minutes=step_minutes), every_process)
        return
    from lms.scheduler import start_scheduler

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    start_scheduler(app)
    click.echo(f"scheduler started ({leadership(app).me}); the elected process runs the jobs")
    while not stop.wait(5):
        pass
    from lms.extensions import scheduler

    scheduler.shutdown(wait=True)
    leadership(app).release()
    click.echo("scheduler stopped")


def _simulate(app, start: datetime, until: datetime, step: timedelta, every_process: bool) -> None:
    from lms.reminders.sending import tick
    from lms.scheduler.leader import leadership

    if not every_process:
        while not leadership(app).holds():
            wall.sleep(0.05)
    now = start
    while now <= until:
        report = tick(now)
        db.session.commit()
        for key in report.sent:
            click.echo(f"{now.isoformat()} sent {key}", nl=True)
        now += step
    db.session.remove()
    if not every_process:
        leadership(app).release()


@scheduler_group.command("status")
@with_appcontext
def status_command() -> None:
    """Who leads, and reminders claimed but never sent (interrupted)."""
    from lms.reminders.services import interrupted

    lost = interrupted()
    click.echo(f"interrupted reminders (claimed, not sent, never retried): {len(lost)}")
    for reminder in lost:
        claimed = reminder.claimed_at.isoformat()
        click.echo(f"  {reminder.key} claimed {claimed} by {reminder.claimed_by}")
