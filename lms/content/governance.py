"""Who stands behind a module's content, what it rests on, and when it must be checked again.

Every package names its ``author``, the professionally ``responsible`` person or role
(fagansvarlig), a ``review_date``, a ``licence`` (an SPDX identifier), its ``sources`` (each with a
``title``, a ``url`` and the date it was ``read``) and a ``facilitator_guide`` (Markdown) for running
it with a group.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lms.content.yaml_lines import LineList, LineMap

if TYPE_CHECKING:
    from lms.content.package import PackageReader

GOVERNANCE_KEYS = ("author", "responsible", "review_date", "licence", "sources", "facilitator_guide")
SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]{1,63}$")
REVIEW_NOTICE = timedelta(days=60)
"""How long before its review date a module counts as due for review (and its owner is told)."""

LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-NC-SA-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC-BY-ND-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "NLOD-2.0": "https://data.norge.no/nlod/no/2.0",
}
"""Where the text of the common content licences is; another SPDX identifier is shown as text."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    read: date

    def as_json(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "read": self.read.isoformat()}


@dataclass(frozen=True)
class Governance:
    author: str
    responsible: str
    review_date: date
    licence: str
    sources: tuple[Source, ...]
    facilitator_guide: dict[str, Markup]


class ReviewStatus(enum.StrEnum):
    """Where a module stands against its review date on a given day."""

    CURRENT = "current"
    DUE = "due"
    PASSED = "passed"


REVIEW_LABELS = {
    ReviewStatus.CURRENT: _l("Gjeldende"),
    ReviewStatus.DUE: _l("Skal gjennomgås snart"),
    ReviewStatus.PASSED: _l("Gjennomgangsdatoen er passert"),
}


def review_status(review_date: date | None, today: date) -> ReviewStatus | None:
    """``passed`` after the review date, ``due`` within 60 days of it, else ``current``."""
    if review_date is None:
        return None
    if review_date < today:
        return ReviewStatus.PASSED
    if review_date - today <= REVIEW_NOTICE:
        return ReviewStatus.DUE
    return ReviewStatus.CURRENT


def licence_url(licence: str | None) -> str | None:
    return LICENCE_URLS.get(licence or "")


def read_governance(manifest: LineMap, reader: PackageReader) -> Governance | None:
    """The governance fields of ``manifest``; each problem is reported with its line."""
    author = _plain_text(manifest, "author", reader)
    responsible = _plain_text(manifest, "responsible", reader)
    review_date = _date(manifest, "review_date", reader)
    licence = _licence(manifest, reader)
    sources = _sources(manifest, reader)
    guide = reader.markdown(manifest, "facilitator_guide")
    if None in (author, responsible, review_date, licence, sources, guide):
        return None
    return Governance(author, responsible, review_date, licence, tuple(sources), guide)


def _plain_text(spec: LineMap, key: str, reader: PackageReader) -> str | None:
    value = spec.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        reader.problem(spec.line_of(key), _("«%(key)s» mangler", key=key))
        return None
    if not isinstance(value, str):
        reader.problem(spec.line_of(key), _("«%(key)s» skal være en tekst", key=key))
        return None
    return value.strip()


def _date(spec: LineMap, key: str, reader: PackageReader) -> date | None:
    """An ISO date (YAML reads ``2027-12-01`` as a date; a quoted one is a string)."""
    value = spec.get(key)
    if value is None:
        reader.problem(spec.line_of(key), _("«%(key)s» mangler", key=key))
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        message = _(
            "«%(key)s: %(value)s» er ikke en dato (skriv ÅÅÅÅ-MM-DD, for eksempel 2027-12-01)",
            key=key,
            value=value,
        )
        reader.problem(spec.line_of(key), message)
        return None


def _licence(spec: LineMap, reader: PackageReader) -> str | None:
    licence = _plain_text(spec, "licence", reader)
    if licence is not None and not SPDX_ID.match(licence):
        message = _(
            "«licence: %(value)s» er ikke en SPDX-identifikator (for eksempel CC-BY-4.0)",
            value=licence,
        )
        reader.problem(spec.line_of("licence"), message)
        return None
    return licence


def _sources(spec: LineMap, reader: PackageReader) -> list[Source] | None:
    entries = spec.get("sources")
    if not isinstance(entries, LineList) or not entries:
        message = _("«sources» skal være en liste med minst én kilde (title, url, read)")
        reader.problem(spec.line_of("sources"), message)
        return None
    sources = [_source(entry, entries.line_of(index), reader) for index, entry in enumerate(entries)]
    return None if None in sources else sources


def _source(entry: Any, line: int, reader: PackageReader) -> Source | None:
    if not isinstance(entry, LineMap):
        reader.problem(line, _("en kilde skal være et kart med «title», «url» og «read»"))
        return None
    title = _plain_text(entry, "title", reader)
    url = _url(entry, reader)
    read = _date(entry, "read", reader)
    if None in (title, url, read):
        return None
    return Source(title, url, read)


def _url(spec: LineMap, reader: PackageReader) -> str | None:
    url = _plain_text(spec, "url", reader)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", url):
        message = _("«url: %(value)s» er ikke en nettadresse (https://...)", value=url)
        reader.problem(spec.line_of("url"), message)
        return None
    return url
