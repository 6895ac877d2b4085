"""The ``lms`` command: Flask's commands (``run``, ``shell``, ``routes``), ``db`` from Flask-Migrate,
``demo``, and the commands the loaded features and plugins declare (``lms.feature.Feature.cli``,
added to the app's ``cli``)."""

from __future__ import annotations

import secrets

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from lms import create_app, demo
from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.config import SettingError
from lms.extensions import db


def _create_app() -> Flask:
    """The app a command runs in. A setting that stops it from starting (``SettingError``) is
    said as an error message naming the setting, exit status 1, as for any other wrong input."""
    try:
        return create_app()
    except SettingError as problem:
        raise click.ClickException(str(problem)) from problem


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Lærevakt: microlearning and competence for shift-working health and care staff."""


def _check_password(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and len(value) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"needs at least {MIN_PASSWORD_LENGTH} characters")
    return value


@main.command("demo")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing (and say so) when the database already has people."
)
@click.option(
    "--password",
    callback=_check_password,
    help="Password for every demo account (default: a new random one, printed at the end).",
)
@with_appcontext
def demo_command(if_empty: bool, password: str | None) -> None:
    """Make a demo municipality, Fjordvik kommune, with about 40 staff and their leaders."""
    config = current_app.config
    mail_log = None if config["SMTP_HOST"] else config["INSTANCE_PATH"] / "mail.log"
    if demo.database_has_people():
        if not if_empty:
            raise click.ClickException(
                "the database already has people; `lms demo` only fills an empty database"
            )
        lines = demo.already_there_lines(base_url=config["BASE_URL"], mail_log=mail_log)
        click.echo("\n".join(lines))
        return
    password = password or secrets.token_urlsafe(12)
    click.echo(f"Making the demo municipality {demo.MUNICIPALITY} (hashing passwords takes a while)...")
    try:
        summary = demo.build_demo(password)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    lines = demo.sign_in_lines(
        summary, base_url=config["BASE_URL"], password=password, mail_log=mail_log
    )
    click.echo("\n".join(lines))
