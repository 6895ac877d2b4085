"""Reading the built-in LRS's statements: one by id, or by the filters of the Statement Resource,
newest (or oldest) first and paged by an opaque cursor; and the Activities resource and attachment
data.

Every function takes the caller's session and runs in its transaction. Each filter is read as an
index range ordered by ``(stored, id)`` (``xapi.lrs.tables``), so a page costs the same however
large the store.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from xapi.lrs.tables import (
    activities,
    agent_key,
    attachments,
    chunks,
    iri_key,
    statement_activities,
    statement_agents,
    statements,
)

MAX_LIMIT = 500
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


ANYONE = object()
"""``stored_by`` of a query that reads statements whoever stored them."""


def _stored_by(table: sa.Table | sa.Alias, stored_by: object) -> list:
    return [] if stored_by is ANYONE else [table.c.stored_by == stored_by]


def get_statement(
    session: Session, statement_id: str, voided: bool = False, stored_by: object = ANYONE
) -> dict | None:
    """The statement with this id; a voided one only with ``voided=True`` (and then only a voided
    one), as ``statementId`` and ``voidedStatementId`` ask; with ``stored_by``, only if that key
    stored it."""
    query = sa.select(statements.c.statement).where(
        statements.c.statement_id == statement_id.lower(),
        statements.c.voided.is_(voided),
        *_stored_by(statements, stored_by),
    )
    text = session.scalar(query)
    return None if text is None else json.loads(text)


def keys_that_stored(session: Session, statement_ids: list[str]) -> dict[str, str | None]:
    """The key that stored each of these statements (None: the platform), for those stored."""
    found: dict[str, str | None] = {}
    c = statements.c
    for chunk in chunks(sorted({statement_id.lower() for statement_id in statement_ids})):
        query = sa.select(c.statement_id, c.stored_by).where(c.statement_id.in_(chunk))
        found.update({row.statement_id: row.stored_by for row in session.execute(query)})
    return found


def query_statements(
    session: Session,
    *,
    agent: dict | None = None,
    verb: str | None = None,
    activity: str | None = None,
    registration: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = MAX_LIMIT,
    ascending: bool = False,
    related_activities: bool = False,
    related_agents: bool = False,
    after: str | None = None,
    stored_by: object = ANYONE,
) -> tuple[list[dict], str | None]:
    """Statements that are not voided and match every filter, by ``stored`` (newest first unless
    ``ascending``), at most ``limit`` (at most and by default ``MAX_LIMIT``; 0 means that too).
    Returns them and a cursor for the next page (``after``), or None when there is none.

    ``since`` is exclusive and ``until`` inclusive. With any of the filters agent, verb, activity
    and registration, statements whose object is a StatementRef to a matching statement (voided or
    not) are returned too, as the specification asks. With ``stored_by``, only statements that key
    stored (``statements/read/mine``). Raises ValueError for an agent without an identifier or a
    cursor this function did not make.
    """
    limit = MAX_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
    target = statements.alias("target")
    own = _filters(statements, agent, verb, activity, registration, related_activities, related_agents)
    c = statements.c
    # With an agent or related-activities filter the page is read in order off the link table's
    # (key, stored, statement_pk) index; otherwise off the statement table's (…, stored, id) ones.
    link, link_key, link_where = None, None, []
    if agent is not None:
        link, link_key = statement_agents, agent_key(agent)
        if not related_agents:
            link_where.append(statement_agents.c.direct.is_(True))
    elif activity is not None and related_activities:
        link, link_key = statement_activities, iri_key(activity)
    if link is not None:
        key_column = link.c.agent_key if link is statement_agents else link.c.activity_key
        stored_column, id_column = link.c.stored, link.c.statement_pk
        driven = _filters(
            statements,
            None if link is statement_agents else agent,
            verb,
            None if link is statement_activities else activity,
            registration,
            related_activities,
            related_agents,
        )
        source = link.join(statements, c.id == link.c.statement_pk)
        main_where = [key_column == link_key, *link_where, *driven]
    else:
        stored_column, id_column = c.stored, c.id
        source = statements
        main_where = own

    def window_on(stored_at, row_id) -> list:
        found = []
        if since is not None:
            found.append(stored_at > since)
        if until is not None:
            found.append(stored_at <= until)
        if after is not None:
            stored, pk = parse_cursor(after)
            # The plain bound first, so the (…, stored, id) indexes give the range.
            if ascending:
                found += [stored_at >= stored, sa.or_(stored_at > stored, row_id > pk)]
            else:
                found += [stored_at <= stored, sa.or_(stored_at < stored, row_id < pk)]
        return found

    def order_on(stored_at, row_id) -> tuple:
        if ascending:
            return stored_at.asc(), row_id.asc()
        return stored_at.desc(), row_id.desc()

    columns = (c.id, c.stored, c.statement)
    main = (
        sa.select(*columns)
        .select_from(source)
        .where(
            c.voided.is_(False),
            *main_where,
            *_stored_by(statements, stored_by),
            *window_on(stored_column, id_column),
        )
        .order_by(*order_on(stored_column, id_column))
        .limit(limit + 1)
    )
    rows = list(session.execute(main))
    window = [c.voided.is_(False), *_stored_by(statements, stored_by), *window_on(c.stored, c.id)]
    order = order_on(c.stored, c.id)
    if own:
        # Statements referring to a matching one, merged into the page in order. Driven from the
        # StatementRef statements (few, on the ref_target index) and checking each one's target,
        # so the cost follows their number, not the number of statements matching the filters.
        theirs = _filters(
            target, agent, verb, activity, registration, related_activities, related_agents
        )
        referrer = statements.alias("referrer")
        matching_target = sa.exists(
            sa.select(1)
            .select_from(target)
            .where(target.c.statement_id == referrer.c.ref_target, *theirs)
        )
        referring_ids = sa.select(referrer.c.id).where(
            referrer.c.ref_target.is_not(None), matching_target
        )
        referring = (
            sa.select(*columns).where(c.id.in_(referring_ids), *window).order_by(*order).limit(limit + 1)
        )
        have = {row.id for row in rows}
        extra = [row for row in session.execute(referring) if row.id not in have]
        if extra:
            rows = sorted(rows + extra, key=lambda row: (row.stored, row.id), reverse=not ascending)
    page, rest = rows[:limit], rows[limit:]
    cursor = make_cursor(page[-1].stored, page[-1].id) if rest else None
    return [json.loads(row.statement) for row in page], cursor


def _filters(
    table: sa.Table | sa.Alias,
    agent: dict | None,
    verb: str | None,
    activity: str | None,
    registration: str | None,
    related_activities: bool,
    related_agents: bool,
) -> list:
    c = table.c
    found: list = []
    if agent is not None:
        key = agent_key(agent)
        if key is None:
            raise ValueError("the agent filter needs an Agent or an identified Group")
        matches = sa.select(statement_agents.c.statement_pk).where(statement_agents.c.agent_key == key)
        if not related_agents:
            matches = matches.where(statement_agents.c.direct.is_(True))
        found.append(c.id.in_(matches))
    if verb is not None:
        found.append(c.verb_key == iri_key(verb))
    if activity is not None:
        if related_activities:
            related = sa.select(statement_activities.c.statement_pk).where(
                statement_activities.c.activity_key == iri_key(activity)
            )
            found.append(c.id.in_(related))
        else:
            found.append(c.activity_key == iri_key(activity))
    if registration is not None:
        found.append(c.registration == registration.lower())
    return found


def make_cursor(stored: datetime, pk: int) -> str:
    return f"{(stored - EPOCH) // timedelta(microseconds=1)}.{pk}"


def parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        micros, pk = (int(part) for part in cursor.split("."))
    except (AttributeError, TypeError, ValueError):
        raise ValueError("not a cursor of this LRS") from None
    return EPOCH + timedelta(microseconds=micros), pk


def statement_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(statements)) or 0


def get_activity(session: Session, activity_id: str) -> dict | None:
    """The Activities resource: the activity with every definition the LRS has seen for it."""
    text = session.scalar(
        sa.select(activities.c.activity).where(activities.c.activity_key == iri_key(activity_id))
    )
    return None if text is None else json.loads(text)


def get_attachments(session: Session, sha2s: list[str]) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    for chunk in chunks(sorted(set(sha2s))):
        query = sa.select(attachments.c.sha2, attachments.c.content_type, attachments.c.content).where(
            attachments.c.sha2.in_(chunk)
        )
        for sha2, content_type, content in session.execute(query):
            found[sha2] = (content_type, content)
    return found
