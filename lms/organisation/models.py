from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import text_enum, utcnow
from lms.extensions import db


class UnitKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    SERVICE_AREA = "service_area"
    UNIT = "unit"

    @property
    def label(self) -> str:
        return str(UNIT_KIND_LABELS[self])


UNIT_KIND_LABELS = {
    UnitKind.MUNICIPALITY: _l("Kommune"),
    UnitKind.SERVICE_AREA: _l("Tjenesteområde"),
    UnitKind.UNIT: _l("Enhet"),
}


class Role(enum.StrEnum):
    """A role held on a unit. Managers, facilitators and admins act on the unit and those below it."""

    STAFF = "staff"
    FACILITATOR = "facilitator"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.STAFF: _l("Ansatt"),
    Role.FACILITATOR: _l("Veileder"),
    Role.MANAGER: _l("Leder"),
    Role.ADMIN: _l("Administrator"),
}

JOB_TITLES = {
    "helsefagarbeider": _l("Helsefagarbeider"),
    "sykepleier": _l("Sykepleier"),
    "spesialsykepleier": _l("Spesialsykepleier"),
    "vernepleier": _l("Vernepleier"),
    "assistent": _l("Assistent"),
    "helsesekretaer": _l("Helsesekretær"),
    "ergoterapeut": _l("Ergoterapeut"),
    "fysioterapeut": _l("Fysioterapeut"),
    "lege": _l("Lege"),
    "laerling": _l("Lærling"),
    "student": _l("Student"),
    "vikar": _l("Vikar"),
    "leder": _l("Leder"),
}
"""Job titles by code. The code is stored; the label is shown in the reader's language."""


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (sa.UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[UnitKind] = mapped_column(text_enum(UnitKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    external_id: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    """The unit's key in the HR system that keeps units in sync through the API."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"


class Person(UserMixin, db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    """Opaque identity, used as the xAPI actor's account name. Never reused, never shown as a name."""
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    job_title: Mapped[str | None] = mapped_column(sa.String(40))
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    start_date: Mapped[date | None] = mapped_column()
    """The first day of work (from the HR system, the CSV import or by hand; a person added by one
    of those without one starts the day they are added). Introduction programmes and late joiners'
    due dates count from it (``docs/introduction.md``)."""
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    inactive_since: Mapped[datetime | None] = mapped_column()
    """When the person was last made inactive (kept by ``_note_inactive``); the retention job erases
    people inactive for longer than ``LMS_RETENTION_INACTIVE_DAYS``."""
    external_id: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    """The person's key in the HR system that keeps people in sync through the API."""
    ends_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    """The first day the person may no longer sign in (a short-term contract's end): from that
    local day on every way in is refused, and ``lms.accounts.ending`` makes them inactive."""
    erased_at: Mapped[datetime | None] = mapped_column()
    """When an admin deleted the person: personal data erased, the row kept as an anonymous stand-in."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    signed_in_session = None
    """``<session id>:<secret>`` of the sign-in session this object was signed in or loaded for
    (set by ``lms.accounts.sessions``), which Flask-Login keeps in the cookie."""

    def sign_in_cookie_id(self) -> str | None:
        """What Flask-Login stores in the cookie (its ``id_attribute``): the sign-in session, not
        the person, so that the session can end on its own."""
        return self.signed_in_session

    def has_ended(self, today: date) -> bool:
        """Whether the account's end date (``ends_on``) has come by local day ``today``."""
        return self.ends_on is not None and self.ends_on <= today

    def may_sign_in(self, today: date) -> bool:
        """Whether the person may sign in by any path on local day ``today``."""
        return self.active and self.erased_at is None and not self.has_ended(today)

    @property
    def job_title_label(self) -> str:
        return str(JOB_TITLES.get(self.job_title, self.job_title or ""))

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


@sa.event.listens_for(Person.active, "set")
def _note_inactive(person: Person, value: bool, old_value: object, _initiator: object) -> None:
    """Record when a person becomes inactive, however it happens (admin page, import, API)."""
    if value:
        person.inactive_since = None
    elif old_value is not False:
        person.inactive_since = utcnow()


class RoleAssignment(db.Model):
    __tablename__ = "role_assignments"
    __table_args__ = (sa.UniqueConstraint("person_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(text_enum(Role))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship()
