"""``lms credentials``: verify a credential file, check that the signing keys can be read, rotate a
municipality's signing key."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from lms.audit import services as audit
from lms.credentials import keys, missed
from lms.credentials.verification import verify
from lms.credentials.views import token_from_bytes
from lms.extensions import db
from lms.organisation.models import Unit


@click.group("credentials")
def credentials_group() -> None:
    """Mikrobevis (Open Badges 3.0): verify, rotate keys."""


@credentials_group.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify_command(path: Path) -> None:
    """Check a credential (VC-JWT, the wallet's JSON or a baked PNG): signature, issuer, status and
    expiry. Exits 1 unless every check holds."""
    result = verify(token_from_bytes(path.read_bytes()))
    if result.title:
        click.echo(f"{result.title} — {result.issuer_name or result.issuer}")
    for check in result.checks:
        click.echo(f"{'OK  ' if check.ok else 'FEIL'} {check.name}: {check.message}")
    click.echo("GYLDIG" if result.valid else "IKKE GYLDIG")
    sys.exit(0 if result.valid else 1)


@credentials_group.command("check")
@with_appcontext
def check_command() -> None:
    """Check that every municipality's signing key can be read with the secret at hand (so
    credentials can be issued). Exits 1, saying what to do, when one cannot."""
    problems = keys.unreadable_keys()
    for problem in problems:
        click.echo(f"FEIL {problem}", err=True)
    if problems:
        sys.exit(1)
    if not current_app.config.get("CREDENTIALS_KEY_SECRET"):
        click.echo(
            f"OK, but {keys.SECRET_SETTING} is not set: the keys are encrypted with LMS_SECRET_KEY, "
            f"so changing that makes them unreadable. Set {keys.SECRET_SETTING} to the current "
            "LMS_SECRET_KEY to keep them apart."
        )
    else:
        click.echo("OK")


@credentials_group.command("issue-missed")
@with_appcontext
def issue_missed_command() -> None:
    """Issue what was earned while a signing key could not be read (the audit log's
    credential.not_issued entries), unless the person now holds it. Run it after `check` says OK."""
    problems = keys.unreadable_keys()
    if problems:
        raise click.ClickException(f"{problems[0]} Then run this again.")
    issued = missed.issue_missed()
    db.session.commit()
    click.echo(f"{len(issued)} credential(s) issued")


@credentials_group.command("rotate-key")
@click.option("--unit", "unit_id", type=int, help="The municipality (a top unit); default: every one.")
@with_appcontext
def rotate_key(unit_id: int | None) -> None:
    """Retire the signing key and make a new one; old credentials still verify."""
    query = sa.select(Unit).where(Unit.parent_id.is_(None))
    if unit_id is not None:
        query = query.where(Unit.id == unit_id)
    units = list(db.session.scalars(query.order_by(Unit.id)))
    if not units:
        raise click.ClickException("no such municipality (a top unit)")
    for unit in units:
        key = keys.rotate(unit)
        audit.record(None, "credential.rotate_key", "unit", unit.id, {"kid": key.kid})
        click.echo(f"{unit.name}: {keys.verification_method(key)}")
    db.session.commit()
