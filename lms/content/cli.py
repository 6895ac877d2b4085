"""``lms modules``: list, validate and sync module packages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from lms.content import library, services, upload
from lms.content.models import LearningModule, ModuleVersion
from lms.content.package import MANIFEST, Module
from lms.content.problems import InvalidPackage, Problem
from lms.extensions import db
from lms.plugins import package_folders


@click.group("modules")
def modules() -> None:
    """Module packages: what is installed, validate packages, install from the module folders."""


@modules.command("list")
@with_appcontext
def list_command() -> None:
    """Installed modules, and the package folders found in the configured paths."""
    rows = _installed()
    click.echo("Installed modules:" if rows else "No modules are installed.")
    for module_id, version, status, source in rows:
        click.echo(f"  {module_id}  {version}  {status}  {source}")
    folders = services.configured_package_folders()
    installed = set(db.session.execute(sa.select(ModuleVersion.module_id, ModuleVersion.content_hash)))
    click.echo("Package folders:" if folders else "No package folders in the configured paths.")
    for folder in folders:
        try:
            module = library.parse(folder)
        except InvalidPackage as invalid:
            count = len(invalid.problems)
            click.echo(f"  {folder}  invalid ({count} problem{'s' if count != 1 else ''})")
            continue
        state = "installed" if (module.id, module.content_hash) in installed else "not installed"
        click.echo(f"  {folder}  {module.id} {module.version}  {state}")


def _installed() -> list[tuple[str, str, str, str]]:
    """Per module: its current version, or else its newest draft, with status and source."""
    versions = db.session.execute(
        sa.select(ModuleVersion, LearningModule.current_version_id)
        .join(LearningModule, LearningModule.id == ModuleVersion.module_id)
        .order_by(ModuleVersion.module_id, ModuleVersion.created_at, ModuleVersion.id)
    )
    shown: dict[str, ModuleVersion] = {}
    for version, current_id in versions:
        if current_id is None or version.id == current_id:
            shown[version.module_id] = version
    return [(v.module_id, v.version, str(v.status), v.source) for v in shown.values()]


@modules.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Refuse a package whose review date has passed.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    hidden=True,
    help="The day to judge review dates by (for tests); the real date by default.",
)
def validate_command(paths: tuple[Path, ...], strict: bool, today) -> None:
    """Check packages without installing them. PATH is a package folder, a folder of packages, or
    a .zip file. Exits with 1 when any package has a problem. A package whose review date has
    passed gets a warning, and with --strict counts as a problem."""
    day = today.date() if today else date.today()
    bad = 0
    for path in paths:
        for label, outcome in _validated(path):
            if not isinstance(outcome, Module):
                bad += 1
                _echo_problems(f"INVALID {label}", outcome)
                continue
            if outcome.governance.review_date < day:
                _echo_review_passed(outcome, label, strict)
                if strict:
                    bad += 1
            else:
                cards = len(outcome.cards)
                click.echo(f"OK {outcome.id} {outcome.version} ({cards} cards)  {label}")
    if bad:
        raise click.exceptions.Exit(1)


def _echo_review_passed(module: Module, label: str, strict: bool) -> None:
    heading = "REFUSED" if strict else "WARNING"
    review_date = module.governance.review_date.isoformat()
    click.echo(
        f"{heading} {module.id} {module.version}: its review date {review_date} has passed; "
        f"check the content and its sources, then set a new review_date  {label}"
    )


def _validated(path: Path):
    """(label, Module or problems) for each package that ``path`` names."""
    if path.is_file():
        if path.suffix.lower() != ".zip":
            return [(str(path), [Problem(path.name, 0, "not a package folder or a .zip file")])]
        try:
            with upload.extracted(path, path.name) as folder:
                return [(str(path), library.parse(folder))]
        except InvalidPackage as invalid:
            return [(str(path), invalid.problems)]
    folders = package_folders([path])
    if not folders:
        return [(str(path), [Problem(str(path), 0, f"no {MANIFEST} here or in its sub-folders")])]
    found = []
    for folder in folders:
        try:
            found.append((str(folder), library.parse(folder)))
        except InvalidPackage as invalid:
            found.append((str(folder), invalid.problems))
    return found


def _echo_problems(heading: str, problems) -> None:
    click.echo(heading)
    for problem in problems:
        click.echo(f"  {problem}")


@modules.command("sync")
@with_appcontext
def sync_command() -> None:
    """Install and publish every package in the module folders (modules/, LMS_MODULE_PATHS and
    the ``lms.modules`` entry points). A bad package is reported and skipped; exits with 1 then."""
    try:
        results = services.sync()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    invalid = 0
    for result in results:
        version = result.version
        if version is None:
            invalid += 1
            _echo_problems(f"invalid    {result.folder}", result.problems)
        elif result.created:
            click.echo(f"installed  {version.module_id} {version.version}  {result.folder}")
        else:
            click.echo(f"unchanged  {version.module_id} {version.version}  {result.folder}")
    created = sum(1 for result in results if result.created)
    unchanged = len(results) - created - invalid
    click.echo(
        f"{len(results)} packages: {created} installed, {unchanged} unchanged, {invalid} invalid."
    )
    if invalid:
        raise click.exceptions.Exit(1)
