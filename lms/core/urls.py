from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**63 - 1
"""The largest integer a database column holds (SQLite's, and PostgreSQL's bigint). A longer run of
digits in a path or a query names no row, and is not handed to the database: SQLite raises
``OverflowError`` on it, which was a 500."""


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route (``app.url_map.converters["int"]``): only integers up to
    ``LARGEST_ID`` match, so a path with a longer id is a 404 like any other id that names nothing."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def row_id(value: str) -> int:
    """``type=`` for ``request.args.get`` and ``request.form.get`` of a row's id: the id, or
    ``ValueError`` (so the value reads as missing) for text or a number no column holds."""
    number = int(value)
    if not 0 <= number <= LARGEST_ID:
        raise ValueError(f"{value!r} is no row id")
    return number


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
