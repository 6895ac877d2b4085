"""Talking to a learning record store: our own small client, with explicit time-outs, keep-alive,
Basic auth and the ``X-Experience-API-Version`` header on every request."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import requests

XAPI_VERSION = "1.0.3"


@dataclass(frozen=True)
class PostResult:
    """What the LRS said to a batch. ``status`` 0 means no answer (network error or time-out)."""

    status: int
    error: str | None = None
    retry_after: float | None = None
    stored_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class LRS(Protocol):
    def post_statements(self, statements: list[dict[str, Any]]) -> PostResult: ...

    def statement_ids(self, since: datetime, until: datetime) -> set[str]: ...


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpLRS:
    """An LRS over HTTP. One instance keeps its connections open between calls."""

    def __init__(
        self,
        endpoint: str,
        key: str,
        secret: str,
        *,
        connect_timeout: float = 3.05,
        read_timeout: float = 30.0,
    ):
        self.endpoint = endpoint.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        self.session.auth = (key, secret)
        self.session.headers.update(
            {"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"}
        )

    def post_statements(self, statements: list[dict[str, Any]]) -> PostResult:
        try:
            response = self.session.post(
                f"{self.endpoint}/statements", json=statements, timeout=self.timeout
            )
        except requests.RequestException as error:
            return PostResult(status=0, error=f"{type(error).__name__}: {error}")
        if response.ok:
            body = _json(response)
            return PostResult(
                status=response.status_code, stored_ids=body if isinstance(body, list) else []
            )
        return PostResult(
            status=response.status_code,
            error=response.text[:2000] or response.reason,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )

    def statement_ids(self, since: datetime, until: datetime) -> set[str]:
        """Ids of the statements the LRS stored between ``since`` and ``until`` (follows ``more``)."""
        found: set[str] = set()
        url = f"{self.endpoint}/statements"
        params: dict[str, str] | None = {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "limit": "500",
        }
        while url:
            response = self.session.get(url, params=params, timeout=self.timeout)
            response.raise_for_status()
            body = response.json()
            found.update(statement["id"] for statement in body.get("statements", []))
            more = body.get("more")
            url = _absolute(self.endpoint, more) if more else ""
            params = None
        return found

    def close(self) -> None:
        self.session.close()


def _absolute(endpoint: str, more: str) -> str:
    if more.startswith("http"):
        return more
    root = endpoint.split("/", 3)
    return f"{root[0]}//{root[2]}{more}" if more.startswith("/") else f"{endpoint}/{more}"


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
