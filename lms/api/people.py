"""People and their roles: read them, and keep them in step with an HR system by external id."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload

from lms.api.auth import current_key
from lms.api.common import (
    ExternalId,
    Page,
    PageQuery,
    Strict,
    SyncSummary,
    page_of,
    refuse,
    summary_of,
)
from lms.api.errors import ApiError
from lms.api.keys import ADMIN_SCOPE
from lms.api.registry import operation
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment
from lms.organisation.sync import PersonRecord, sync_people


class RoleOut(BaseModel):
    unit_id: int
    unit_external_id: str | None
    role: Role


class PersonOut(BaseModel):
    id: int
    external_id: str | None
    name: str
    email: str | None
    phone: str | None
    job_title: str | None
    start_date: date | None
    active: bool
    ends_on: date | None
    roles: list[RoleOut]


class PeoplePage(BaseModel):
    people: list[PersonOut]
    page: Page


class RoleIn(Strict):
    unit_external_id: Annotated[str, ExternalId]
    role: Role


class PersonIn(Strict):
    external_id: Annotated[str, ExternalId]
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(
        default=None,
        max_length=32,
        description="A phone number; without a country code it is read as Norwegian. Stored and "
        "returned in E.164 (e.g. '+4791234567'); a number that is not valid is refused.",
    )
    job_title: str | None = Field(
        default=None, max_length=40, description="A job title code or its label (e.g. 'sykepleier')."
    )
    start_date: date | None = Field(
        default=None,
        description="The first day of work. Left out: a stored start date stays; a new person "
        "starts the day they are synced. Introduction programmes and the due dates of people who "
        "join after a unit assignment was given count from it.",
    )
    active: bool = True
    ends_on: date | None = Field(
        default=None,
        description="The first day the person may no longer sign in (the end of a short-term "
        "contract): from that day every way of signing in refuses them, their sessions end, and "
        "they no longer count as current staff; their history is kept. A record whose end date has "
        "come is stored inactive. Null: no end date.",
    )
    roles: list[RoleIn] = Field(
        default_factory=list,
        max_length=50,
        description="The person's roles on units that have an external id (all of them: roles there "
        "that are not listed are removed). Roles on other units are left alone.",
    )


class PeopleBatch(Strict):
    people: list[PersonIn] = Field(max_length=10_000)


def person_out(person: Person) -> PersonOut:
    roles = sorted(person.roles, key=lambda r: (r.unit_id, r.role))
    return PersonOut(
        id=person.id,
        external_id=person.external_id,
        name=person.name,
        email=person.email,
        phone=person.phone,
        job_title=person.job_title,
        start_date=person.start_date,
        active=person.active,
        ends_on=person.ends_on,
        roles=[
            RoleOut(unit_id=r.unit_id, unit_external_id=r.unit.external_id, role=r.role) for r in roles
        ],
    )


def _with_roles():
    return selectinload(Person.roles).selectinload(RoleAssignment.unit)


def find_person(external_id: str) -> Person:
    """The (not erased) person with this external id, or a 404."""
    person = db.session.scalar(
        sa.select(Person)
        .where(Person.external_id == external_id, Person.erased_at.is_(None))
        .options(_with_roles())
    )
    if person is None:
        raise ApiError(404, f"No person has the external id '{external_id}'.")
    return person


@operation("GET", "/people", scope="people:read", tag="people", response=PeoplePage, query=PageQuery)
def list_people(query: PageQuery) -> PeoplePage:
    """People with their roles, a page at a time (erased people are left out)."""
    query_people = (
        sa.select(Person).where(Person.erased_at.is_(None)).options(_with_roles()).order_by(Person.id)
    )
    people, page = page_of(query_people, query)
    return PeoplePage(people=[person_out(p) for p in people], page=page)


@operation("GET", "/people/<external_id>", scope="people:read", tag="people", response=PersonOut)
def get_person(external_id: str) -> PersonOut:
    """One person, by external id."""
    return person_out(find_person(external_id))


@operation(
    "PUT",
    "/people",
    scope="people:write",
    tag="people",
    response=SyncSummary,
    body=PeopleBatch,
    errors=(409,),
)
def put_people(body: PeopleBatch) -> SyncSummary:
    """Create or update people and their roles by external id (HR sync).

    All or nothing: if any record is bad, nothing changes and the error names each bad record (its
    index and external id) and field. On a first sync, a person with the record's e-mail and no
    external id yet is taken to be the record's person. People not in the batch, and erased people,
    are left alone. Sending the same batch again changes nothing (0 created, 0 updated).

    Granting the admin role, or changing the e-mail, phone, active flag or end date of someone who
    holds it, needs the scope `roles:admin` as well; without it such a batch gets 403, naming each
    place, and changes nothing.
    """
    records = [
        PersonRecord(
            external_id=p.external_id,
            name=p.name,
            email=p.email,
            phone=p.phone,
            job_title=p.job_title,
            start_date=p.start_date,
            active=p.active,
            ends_on=p.ends_on,
            roles=tuple((r.unit_external_id, r.role) for r in p.roles),
        )
        for p in body.people
    ]
    result = sync_people(records, may_make_admins=ADMIN_SCOPE in current_key().scopes)
    if isinstance(result, list):
        raise refuse(result, "people")
    return summary_of(result, "api.people_sync")
