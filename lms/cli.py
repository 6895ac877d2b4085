"""The ``lms`` command: Flask's commands (``run``, ``shell``, ``routes``), ``db`` from Flask-Migrate,
and Lærevakt's own groups."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from lms import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """Lærevakt: microlearning and competence for shift-working health and care staff."""
