"""What the views of the built-in LRS's HTTP interface share: the host application's hooks
(``Host``, which ``xapi.lrs.api`` puts in ``g`` before each request, read with ``host()``), who sent
the request (``Client``) and the check of its key's scopes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import g
from sqlalchemy.orm import Session

from xapi.lrs import credentials
from xapi.lrs.parameters import ApiError

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


@dataclass(frozen=True)
class Client:
    """Who sent a request: the name of its key, the xAPI version ("1.0.3" or "2.0.0") that key
    last spoke, if known, the key itself (None for a client the host authenticated otherwise) and
    its scopes."""

    name: str
    version: str | None = None
    key: str | None = None
    scopes: frozenset[str] = frozenset({credentials.ALL})


@dataclass(frozen=True)
class Host:
    """What the application around the LRS gives it (``xapi.lrs.api.create_blueprint`` says what
    each is)."""

    session: Callable[[], Session]
    home_page: Callable[[], str]
    authenticate: Callable[[Session, str, str, str | None], Client | None]
    max_body: int
    now: Callable[[], datetime]
    name: str
    unversioned_reply: Callable[[], str]


def host() -> Host:
    """The hooks of the blueprint answering this request."""
    return g.xapi_host


def require(scopes: set[str], doing: str) -> None:
    """403 unless the request's key holds one of ``scopes``."""
    if not scopes & g.xapi_scopes:
        needed = " or ".join(sorted(scopes))
        raise ApiError(403, f"this key may not {doing} (it needs the scope {needed})")
