from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.governance import ReviewStatus, review_status
from lms.content.localised import Localised, pick
from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person


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
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    """The account an admin named to be told before the review date (the package's
    ``responsible`` is text; this is a person of the municipality who can be reached)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    current_version: Mapped[ModuleVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])


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
    author: Mapped[str | None] = mapped_column(sa.String(200))
    responsible: Mapped[str | None] = mapped_column(sa.String(200))
    """The package's fagansvarlig (a name or a role), as the package says."""
    review_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    licence: Mapped[str | None] = mapped_column(sa.String(64))
    sources: Mapped[list[dict[str, str]] | None] = mapped_column(sa.JSON)
    """``[{"title", "url", "read"}]``; the governance fields are empty on versions installed
    before packages carried them."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    module: Mapped[LearningModule] = relationship(foreign_keys=[module_id])

    def title(self, locale: str) -> str:
        return pick(self.manifest["title"], locale)

    @property
    def titles(self) -> Localised:
        return self.manifest["title"]

    @property
    def cover(self) -> dict[str, Any] | None:
        """The cover illustration (``src``, ``alt`` by language), if the package has one."""
        return self.manifest.get("cover")

    def review_status(self, today: date) -> ReviewStatus | None:
        return review_status(self.review_date, today)


class ReviewReminder(db.Model):
    """A review reminder sent to a module's owner: one row per module, review date and kind, so
    each is sent once, whatever the scheduler does and however often the process restarts."""

    __tablename__ = "module_review_reminders"
    __table_args__ = (sa.UniqueConstraint("module_id", "review_date", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    review_date: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(10))
    """``due`` (60 days before) or ``passed``."""
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
