"""``lms modules``: list, validate and sync module packages."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from lms.competence import moodle_csv
from lms.competence.models import EvidenceKind
from lms.competence.services import SHIPPED, Ceiling
from lms.content import library, services, upload
from lms.content.models import LearningModule, ModuleVersion
from lms.content.package import MANIFEST, Module
from lms.content.problems import InvalidPackage, Problem
from lms.core.time import local_today
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
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse a package with a warning: its review date has passed, or it claims a level its "
    "evidence cannot prove.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    hidden=True,
    help="The day to judge review dates by (for tests); the real date by default.",
)
def validate_command(paths: tuple[Path, ...], strict: bool, today) -> None:
    """Check packages without installing them. PATH is a package folder, a folder of packages, or
    a .zip file. Exits with 1 when any package has a problem. A package whose review date has
    passed, or that claims a level of a competence higher than a module can prove for it (by the
    shipped frameworks' evidence levels), gets a warning, and with --strict counts as a problem."""
    day = today.date() if today else local_today()
    caps = module_caps()
    bad = 0
    for path in paths:
        for label, outcome in _validated(path):
            if not isinstance(outcome, Module):
                bad += 1
                _echo_problems(f"INVALID {label}", outcome)
                continue
            warned = False
            if outcome.governance.review_date < day:
                _echo_review_passed(outcome, label, strict)
                warned = True
            for code, claimed, cap in over_claimed(outcome, caps):
                _echo_over_claimed(outcome, label, strict, code, claimed, cap)
                warned = True
            if warned and strict:
                bad += 1
            elif not warned:
                cards = len(outcome.cards)
                click.echo(f"OK {outcome.id} {outcome.version} ({cards} cards)  {label}")
    if bad:
        raise click.exceptions.Exit(1)


def module_caps() -> dict[str, int]:
    """The highest level a module can prove, by competence code, for the competences of the shipped
    frameworks where that is below the top of the scale (``Ceiling.cap``). A competence of a framework
    imported later is not known here, so a module's claim for it is not checked."""
    caps = {}
    for path in sorted(SHIPPED.glob("*.csv")):
        spec = moodle_csv.parse(path.read_bytes())
        if isinstance(spec, list):
            continue
        top = len(spec.scale.levels)
        for competence in spec.competences:
            ceiling = Ceiling(top, competence.evidence_levels, spec.evidence_levels)
            if (cap := ceiling.cap(EvidenceKind.MODULE)) is not None:
                caps[competence.code] = cap
    return caps


def over_claimed(module: Module, caps: dict[str, int]) -> list[tuple[str, int, int]]:
    """(competence code, level claimed, level a module proves) for each claim above what it proves."""
    return [
        (e.competence, e.level, caps[e.competence])
        for e in module.evidence
        if e.competence in caps and e.level > caps[e.competence]
    ]


def _echo_over_claimed(
    module: Module, label: str, strict: bool, code: str, claimed: int, cap: int
) -> None:
    heading = "REFUSED" if strict else "WARNING"
    click.echo(
        f"{heading} {module.id} {module.version}: its evidence claims {code} at level {claimed}, "
        f"but a module proves at most level {cap} of {code}; state level {cap}  {label}"
    )


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
