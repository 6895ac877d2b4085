"""Installing, publishing and finding modules. Functions flush; the caller commits."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.content import library
from lms.content.models import LearningModule, ModuleVersion, VersionStatus
from lms.content.package import Module
from lms.content.problems import InvalidPackage, Problem
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.plugins import module_pack_roots, package_folders


@dataclass(frozen=True)
class SyncResult:
    folder: Path
    version: ModuleVersion | None
    created: bool
    problems: tuple[Problem, ...] = ()


def install(folder: Path, source: str, *, publish: bool) -> tuple[ModuleVersion, bool]:
    """Validate the package in ``folder`` and install it; returns the version and whether it is new.

    Installing the same content again changes nothing. A version number already installed with other
    content, or lower than one installed, is refused: the author must raise the version.
    """
    module = library.parse(folder)
    existing = _version_with_hash(module.id, module.content_hash)
    if existing is not None:
        if publish and existing.status is VersionStatus.DRAFT:
            publish_version(existing)
        return existing, False
    _refuse_reused_version_number(module)
    _refuse_older_version_number(module)
    library.store(folder, module)
    version = _add_version(module, source)
    if publish:
        publish_version(version)
    return version, True


def publish_version(version: ModuleVersion) -> None:
    """Make ``version`` the one new attempts start on; the previous one is retired, not deleted."""
    learning_module = version.module
    previous = learning_module.current_version
    if previous is not None and previous.id != version.id:
        previous.status = VersionStatus.RETIRED
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    learning_module.current_version = version
    db.session.flush()


def set_owner(learning_module: LearningModule, owner: Person | None) -> None:
    """Make ``owner`` the account told before the module's review date (None: nobody)."""
    learning_module.owner = owner
    db.session.flush()


def sync(folders: list[Path] | None = None) -> list[SyncResult]:
    """Install and publish every package in the configured folders; each package is all or nothing."""
    results = []
    for folder in folders if folders is not None else configured_package_folders():
        try:
            with db.session.begin_nested():
                version, created = install(folder, str(folder), publish=True)
            results.append(SyncResult(folder, version, created))
        except InvalidPackage as invalid:
            results.append(SyncResult(folder, None, False, tuple(invalid.problems)))
    return results


def configured_package_folders() -> list[Path]:
    return package_folders(module_pack_roots(current_app.config["MODULE_PATHS"]))


def load_version(version: ModuleVersion) -> Module:
    return library.load(version.module_id, version.content_hash)


def published_versions() -> list[ModuleVersion]:
    """The current published version of every module, by title."""
    query = (
        sa.select(ModuleVersion)
        .join(LearningModule, LearningModule.current_version_id == ModuleVersion.id)
        .where(ModuleVersion.status == VersionStatus.PUBLISHED)
    )
    versions = list(db.session.scalars(query))
    return sorted(versions, key=lambda v: v.title("nb").casefold())


def current_version(module_id: str) -> ModuleVersion | None:
    """The module's current version if it is published (one query)."""
    return db.session.scalar(current_version_query(ModuleVersion), {"module_id": module_id})


@functools.lru_cache(maxsize=32)
def current_version_query(*selected) -> sa.Select:
    """The query of the current version, selecting ``selected`` (the version, some of its columns,
    or what a feature reads along with it in the same query): built once for the same ones
    (building it cost about as much as running it), the module's id bound as ``module_id`` when
    it runs."""
    return (
        sa.select(*selected)
        .join(LearningModule, LearningModule.current_version_id == ModuleVersion.id)
        .where(
            LearningModule.id == sa.bindparam("module_id"),
            ModuleVersion.status == VersionStatus.PUBLISHED,
        )
    )


def _version_with_hash(module_id: str, content_hash: str) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion).filter_by(module_id=module_id, content_hash=content_hash)
    )


def _refuse_reused_version_number(module: Module) -> None:
    clash = db.session.scalar(
        sa.select(ModuleVersion).filter_by(module_id=module.id, version=module.version)
    )
    if clash is not None:
        message = _(
            "versjon %(version)s er installert med annet innhold; øk «version»", version=module.version
        )
        raise InvalidPackage([Problem("module.yaml", 1, message)])


def _version_key(number: str) -> tuple[int, int, int]:
    """``1.2`` and ``1.2.0`` are the same version; numbers compare as numbers (1.10 > 1.9)."""
    major, minor, patch = [*number.split("."), "0"][:3]
    return int(major), int(minor), int(patch)


def _refuse_older_version_number(module: Module) -> None:
    installed = db.session.scalars(sa.select(ModuleVersion.version).filter_by(module_id=module.id))
    newest = max(installed, key=_version_key, default=None)
    if newest is not None and _version_key(module.version) < _version_key(newest):
        message = _(
            "versjon %(version)s er eldre enn installert versjon %(newest)s; øk «version»",
            version=module.version,
            newest=newest,
        )
        raise InvalidPackage([Problem("module.yaml", 1, message)])


def _add_version(module: Module, source: str) -> ModuleVersion:
    learning_module = db.session.get(LearningModule, module.id)
    if learning_module is None:
        learning_module = LearningModule(id=module.id)
        db.session.add(learning_module)
    governance = module.governance
    version = ModuleVersion(
        module=learning_module,
        version=module.version,
        content_hash=module.content_hash,
        source=source,
        manifest=module.manifest(),
        author=governance.author,
        responsible=governance.responsible,
        review_date=governance.review_date,
        licence=governance.licence,
        sources=[source.as_json() for source in governance.sources],
    )
    db.session.add(version)
    db.session.flush()
    return version
