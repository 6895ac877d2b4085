"""``lms competence``: load the shipped frameworks, import and export Moodle CSV, refresh status
and rebuild the matrix's cells."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from lms.competence import cells, services
from lms.competence.models import Framework
from lms.extensions import db


@click.group("competence")
def competence_group() -> None:
    """Competence frameworks and requirement status."""


@competence_group.command("load-shipped")
@with_appcontext
def load_shipped() -> None:
    """Load (or update) the frameworks shipped with Lærevakt."""
    loaded = services.load_shipped()
    db.session.commit()
    for framework in loaded:
        click.echo(f"{framework.idnumber}: {len(framework.competences)} competences")


@competence_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path) -> None:
    """Import a framework from Moodle's CSV (all or nothing)."""
    result = services.import_framework(path.read_bytes())
    if isinstance(result, list):
        db.session.rollback()
        for problem in result:
            click.echo(f"{path.name}: {problem}", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"{result.idnumber}: {len(result.competences)} competences")


@competence_group.command("export")
@click.argument("idnumber")
@with_appcontext
def export_command(idnumber: str) -> None:
    """Write a framework as Moodle's CSV to standard output."""
    framework = db.session.scalar(sa.select(Framework).filter_by(idnumber=idnumber))
    if framework is None:
        raise click.ClickException(f"no framework {idnumber!r}")
    sys.stdout.buffer.write(services.export_framework(framework))


@competence_group.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Recompute everyone's requirement status now (the nightly job does this too)."""
    written = services.refresh_expiring()
    db.session.commit()
    click.echo(f"{written} status rows")


@competence_group.command("cells")
@with_appcontext
def cells_command() -> None:
    """Rebuild everyone's matrix cells from the roles, requirements and status (the nightly refresh
    does this too); says how many were wrong."""
    wrong = cells.rebuild()
    db.session.commit()
    click.echo(f"{wrong} cells were wrong; all rebuilt")
