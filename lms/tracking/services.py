"""Delivering the outbox from the platform: which LRS, in which transaction, and the operations."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from lms.core.transactions import short_transaction
from lms.extensions import db
from xapi import outbox
from xapi.client import LRS, HttpLRS, PostResult
from xapi.db import utcnow
from xapi.delivery import DeliverySettings, Report, deliver
from xapi.lrs.queries import query_statements
from xapi.lrs.store import StatementConflict, StatementRejected, store_statements

PLATFORM_ACCOUNT = "laerevakt"


class LocalLRS:
    """The built-in LRS, reached in-process. A post stores the statements and commits, like a post
    to an LRS over HTTP: the delivery posts outside its own transactions (see ``xapi.delivery``)."""

    def __init__(self, session: Session, base_url: str):
        self.session = session
        self.authority = {
            "objectType": "Agent",
            "account": {"homePage": base_url, "name": PLATFORM_ACCOUNT},
        }

    def post_statements(self, statements: list[dict]) -> PostResult:
        try:
            with self.session.begin_nested():
                ids = store_statements(self.session, statements, authority=self.authority, now=utcnow())
        except StatementRejected as rejected:
            return self._answer(PostResult(status=400, error=str(rejected)))
        except StatementConflict as conflict:
            return self._answer(PostResult(status=409, error=str(conflict)))
        return self._answer(PostResult(status=200, stored_ids=ids))

    def _answer(self, result: PostResult) -> PostResult:
        self.session.commit()
        return result

    def statement_ids(self, since: datetime, until: datetime) -> set[str]:
        ids: set[str] = set()
        cursor = None
        while True:
            statements, cursor = query_statements(
                self.session, since=since, until=until, limit=500, ascending=True, after=cursor
            )
            ids.update(statement["id"] for statement in statements)
            if not cursor:
                return ids


_clients = threading.local()


def _http_lrs(endpoint: str, key: str, secret: str) -> HttpLRS:
    """One client per thread (a requests.Session is not safe to share), kept for its connections."""
    wanted = (endpoint, key, secret)
    if getattr(_clients, "settings", None) != wanted:
        _clients.settings, _clients.lrs = wanted, HttpLRS(endpoint, key, secret)
    return _clients.lrs


def lrs_for(session: Session) -> LRS:
    config = current_app.config
    if config["LRS_ENDPOINT"]:
        return _http_lrs(config["LRS_ENDPOINT"], config["LRS_KEY"] or "", config["LRS_SECRET"] or "")
    return LocalLRS(session, config["BASE_URL"])


def delivery_settings() -> DeliverySettings:
    return DeliverySettings(claim_seconds=current_app.config["XAPI_CLAIM_SECONDS"])


def deliver_outbox(settings: DeliverySettings | None = None) -> Report:
    """Send the outbox: each batch is claimed and its outcome recorded in short transactions of
    their own, and posted with no transaction open (``xapi.delivery``)."""
    return deliver(short_transaction, lambda: lrs_for(db.session), settings or delivery_settings())


def prune_outbox() -> int:
    return outbox.prune_sent(db.session, timedelta(days=current_app.config["XAPI_KEEP_SENT_DAYS"]))


def missing_from_lrs(since: datetime, until: datetime) -> list[str]:
    """Statements marked sent in the period that the LRS does not have."""
    sent = outbox.sent_ids_between(db.session, since, until)
    if not sent:
        return []
    stored = lrs_for(db.session).statement_ids(since - timedelta(days=1), until + timedelta(days=1))
    return sorted(set(sent) - stored)
