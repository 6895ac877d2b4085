from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.localised import Localised, pick
from lms.db import text_enum, utcnow
from lms.extensions import db


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class LearningModule(db.Model):
    """A module across its versions; its id (from module.yaml) is stable and names its xAPI activity."""

    __tablename__ = "modules"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("module_versions.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    current_version: Mapped[ModuleVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ModuleVersion(db.Model):
    """One installed version of a module's content, kept as long as attempts refer to it."""

    __tablename__ = "module_versions"
    __table_args__ = (sa.UniqueConstraint("module_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(sa.String(20))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[VersionStatus] = mapped_column(text_enum(VersionStatus), default=VersionStatus.DRAFT)
    source: Mapped[str] = mapped_column(sa.String(500))
    """Where it came from: a folder path, an entry point, or ``upload:<file name>``."""
    manifest: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    module: Mapped[LearningModule] = relationship(foreign_keys=[module_id])

    def title(self, locale: str) -> str:
        return pick(self.manifest["title"], locale)

    @property
    def titles(self) -> Localised:
        return self.manifest["title"]
