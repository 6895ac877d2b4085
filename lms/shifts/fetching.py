"""Fetching a roster feed (iCalendar) from a URL that a person typed, without letting them use the
server to reach inside its own network (SSRF).

The URL is read with the parser of the HTTP client that fetches it (urllib3's ``parse_url``), so the
host that is checked is the host that is connected to: a second parser reads
``http://127.0.0.1:5205\\@1.1.1.1/x`` as host 1.1.1.1 while urllib3 connects to 127.0.0.1. Userinfo,
backslashes and schemes other than http(s) (and webcal, fetched as https) are refused outright. The
host is resolved once, every address it resolves to must be public, and the connection goes to one
of those very addresses (the ``Host`` header, TLS SNI and the certificate check still use the
name), so a DNS answer that changes between the check and the connection reaches nothing new.
Redirects are followed, a few at most, each checked the same way.

``LMS_SHIFT_FEEDS_PRIVATE`` lets feeds on private addresses through (a rostering system inside the
municipality's network, and the tests' feed server on 127.0.0.1); the URL rules hold regardless.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from urllib.parse import urljoin

import certifi
import urllib3
from flask_babel import gettext as _
from urllib3.exceptions import HTTPError, LocationParseError, NewConnectionError
from urllib3.util import Timeout, Url, parse_url

FEED_TIMEOUT = 15
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}

Resolver = Callable[..., list]
"""``socket.getaddrinfo``'s signature; tests give their own."""


class FeedError(Exception):
    """The feed could not be fetched; ``message`` says why, for people, without the URL's secret
    parts."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FeedRefused(FeedError):
    """The URL, or the address its host resolves to, is not allowed."""


def check_url(url: str) -> Url:
    """``url`` as the HTTP client reads it (``webcal://`` as ``https://``), or :class:`FeedRefused`
    naming what is wrong."""
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    if "\\" in url:
        raise FeedRefused(_("Adressen kan ikke inneholde omvendt skråstrek (\\)."))
    try:
        parsed = parse_url(url)
    except LocationParseError:
        raise FeedRefused(_("Adressen kan ikke leses.")) from None
    if parsed.scheme not in DEFAULT_PORTS:
        raise FeedRefused(_("Adressen må begynne med https://, http:// eller webcal://."))
    if parsed.auth is not None or "@" in _authority(url):
        raise FeedRefused(_("Adressen kan ikke inneholde brukernavn eller passord (før @)."))
    if not parsed.host:
        raise FeedRefused(_("Adressen mangler vertsnavn."))
    return parsed


def _authority(url: str) -> str:
    """What stands between ``//`` and the path, query or fragment (as urllib3 splits it; with no
    backslashes, every browser splits it there too)."""
    rest = url.partition("//")[2]
    return re.split(r"[/?#]", rest, maxsplit=1)[0]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def vetted_addresses(url: Url, allow_private: bool, resolve: Resolver) -> list[str]:
    """The addresses ``url``'s host resolves to (resolved once, here), each one public unless
    ``allow_private``; else :class:`FeedRefused` naming the address."""
    host = url.host.strip("[]")
    try:
        found = resolve(host, url.port or DEFAULT_PORTS[url.scheme], type=socket.SOCK_STREAM)
    except OSError:
        raise FeedError(_("Fant ikke vertsnavnet %(host)s.", host=host)) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    for address in addresses:
        if not allow_private and not _is_public(address):
            raise FeedRefused(
                _(
                    "Adressen peker til et internt nettverk (%(address)s), og derfra hentes ingen "
                    "kalender.",
                    address=address,
                )
            )
    return addresses


def _pool(url: Url, address: str) -> urllib3.HTTPConnectionPool:
    """A connection to ``address`` for ``url``: for https, SNI and the certificate check use the
    URL's host name, not the address."""
    port = url.port or DEFAULT_PORTS[url.scheme]
    timeout = Timeout(connect=FEED_TIMEOUT, read=FEED_TIMEOUT)
    if url.scheme == "http":
        return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    host = url.host.strip("[]")
    return urllib3.HTTPSConnectionPool(
        address,
        port,
        timeout=timeout,
        retries=False,
        cert_reqs="CERT_REQUIRED",
        ca_certs=certifi.where(),
        server_hostname=host,
        assert_hostname=host,
    )


def _get(url: Url, addresses: list[str]) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """GET ``url`` from the first of ``addresses`` that answers (all of them checked already)."""
    headers = {"Host": url.netloc, "Accept": "text/calendar, */*;q=0.5", "User-Agent": "Laerevakt"}
    for address in addresses[:-1]:
        pool = _pool(url, address)
        try:
            return pool, pool.urlopen(
                "GET", url.request_uri, headers=headers, redirect=False, preload_content=False
            )
        except NewConnectionError:
            pool.close()
    pool = _pool(url, addresses[-1])
    return pool, pool.urlopen(
        "GET", url.request_uri, headers=headers, redirect=False, preload_content=False
    )


def fetch(
    url: str, *, max_bytes: int, allow_private: bool, resolve: Resolver = socket.getaddrinfo
) -> bytes:
    """The body at ``url`` (at most ``max_bytes`` + 1 bytes, so the caller can tell it was too
    large), following up to ``MAX_REDIRECTS`` redirects, each checked as the first URL was."""
    current = check_url(url)
    for _hop in range(MAX_REDIRECTS + 1):
        addresses = vetted_addresses(current, allow_private, resolve)
        try:
            pool, response = _get(current, addresses)
            with pool:
                location = response.headers.get("Location")
                if response.status in REDIRECTS and location:
                    current = check_url(urljoin(current.url, location))
                    continue
                if response.status >= 400:
                    raise FeedError(
                        _("Kunne ikke hente kalenderen (HTTP %(status)s).", status=response.status)
                    )
                return response.read(max_bytes + 1, decode_content=True)
        except (HTTPError, OSError) as error:
            raise FeedError(
                _("Kunne ikke hente kalenderen (%(kind)s).", kind=type(error).__name__)
            ) from error
    raise FeedRefused(_("Kalenderen sender videre for mange ganger."))
