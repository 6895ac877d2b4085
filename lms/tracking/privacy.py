"""The xAPI statements about a person, for "Mine data": those waiting in (or delivered from) the
outbox and those in the built-in LRS where the person's account (``name`` = their uuid) is an agent
of the statement or their e-mail address is (as other xAPI tools may send); and the LRS's documents
kept for them. On erasure, the statements keep the pseudonymous account but lose the person's typed
responses and any name, e-mail or phone; the LRS's documents about them are deleted, and so is its
index of statements by their e-mail address. Statements
already delivered to an external LRS must be erased there (docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section
from lms.signals import person_erasing, personal_data_requested
from xapi.lrs.documents import documents
from xapi.lrs.tables import agent_key, statement_agents, statements
from xapi.outbox import outbox


def _key(person: Person) -> str:
    account = {"homePage": current_app.config["BASE_URL"], "name": person.uuid}
    return agent_key({"objectType": "Agent", "account": account})


def _outbox_rows(person: Person, *needles: str):
    mentions = [outbox.c.statement.contains(n, autoescape=True) for n in (person.uuid, *needles) if n]
    return db.session.execute(
        sa.select(outbox.c.id, outbox.c.status, outbox.c.statement)
        .where(sa.or_(*mentions))
        .order_by(outbox.c.id)
    ).all()


def _lrs_rows(person: Person, *needles: str):
    about = sa.select(statement_agents.c.statement_pk).where(
        statement_agents.c.agent_key == _key(person)
    )
    mentions = [statements.c.statement.contains(n, autoescape=True) for n in needles if n]
    return db.session.execute(
        sa.select(statements.c.id, statements.c.statement)
        .where(sa.or_(statements.c.id.in_(about), *mentions))
        .order_by(statements.c.id)
    ).all()


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    mbox = f"mailto:{person.email}" if person.email else ""
    queued = [
        {"status": row.status, "statement": json.loads(row.statement)}
        for row in _outbox_rows(person, mbox)
    ]
    stored = [json.loads(row.statement) for row in _lrs_rows(person, mbox)]
    kept = db.session.execute(
        sa.select(
            documents.c.kind, documents.c.document_id, documents.c.content_type, documents.c.updated
        )
        .where(documents.c.agent_key == _key(person))
        .order_by(documents.c.id)
    ).all()
    docs = [
        {
            "kind": d.kind,
            "id": d.document_id,
            "content_type": d.content_type,
            "updated": d.updated.isoformat(),
        }
        for d in kept
    ]
    return [
        Section(
            "xapi_outbox", _("Læringshendelser (xAPI) på vei til læringsregisteret"), queued, order=110
        ),
        Section("xapi_lrs", _("Læringshendelser (xAPI) i læringsregisteret"), stored, order=111),
        Section("xapi_lrs_documents", _("Dokumenter i læringsregisteret"), docs, order=112),
    ]


def _is_person(agent: Any, person: Person) -> bool:
    return isinstance(agent, dict) and (agent.get("account") or {}).get("name") == person.uuid


def _pseudonymised(text: str, erasure: Erasure) -> str:
    statement = json.loads(text)
    if _is_person(statement.get("actor"), erasure.person):
        statement.get("result", {}).pop("response", None)
    statement = erasure.scrub_json(statement)
    return json.dumps(statement, ensure_ascii=False, separators=(",", ":"))


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    person = erasure.person
    for row in _outbox_rows(person, *erasure.needles):
        db.session.execute(
            outbox.update()
            .where(outbox.c.id == row.id)
            .values(statement=_pseudonymised(row.statement, erasure))
        )
    for row in _lrs_rows(person, *erasure.needles):
        db.session.execute(
            statements.update()
            .where(statements.c.id == row.id)
            .values(statement=_pseudonymised(row.statement, erasure))
        )
    keys = [_key(person)]
    if person.email:
        keys.append(agent_key({"mbox": f"mailto:{person.email}"}))
        db.session.execute(statement_agents.delete().where(statement_agents.c.agent_key == keys[-1]))
    db.session.execute(documents.delete().where(documents.c.agent_key.in_(keys)))
