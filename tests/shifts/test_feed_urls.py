"""Roster feed URLs cannot make the server reach inside its own network (issue 13, item 9): the URL
is read as the HTTP client reads it, userinfo and backslashes are refused, the host is resolved once
and the connection goes to the address that was checked, redirects included."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest
import urllib3.util.connection

from lms.extensions import db
from lms.shifts import fetching, services
from lms.shifts.fetching import FeedError, FeedRefused

PUBLIC = "93.184.216.34"
PRIVATE = "127.0.0.1"
INTERNAL = "Adressen peker til et internt nettverk (127.0.0.1), og derfra hentes ingen kalender."


def _fetch(app, url: str, resolve=socket.getaddrinfo, allow_private: bool = False) -> bytes:
    with app.app_context():
        return fetching.fetch(url, max_bytes=1000, allow_private=allow_private, resolve=resolve)


def _no_network(host, *_args, **_kwargs):
    raise AssertionError(f"{host} was looked up")


def _answer(address: str):
    def resolve(host, port, **_kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:5205\\@1.1.1.1/x", "Adressen kan ikke inneholde omvendt skråstrek (\\)."),
        (
            "http://vakt:hemmelig@feed.example/x.ics",
            "Adressen kan ikke inneholde brukernavn eller passord (før @).",
        ),
        ("http://@feed.example/x.ics", "Adressen kan ikke inneholde brukernavn eller passord (før @)."),
        ("ftp://feed.example/x.ics", "Adressen må begynne med https://, http:// eller webcal://."),
        ("file:///etc/passwd", "Adressen må begynne med https://, http:// eller webcal://."),
    ],
)
def test_a_url_the_client_would_read_otherwise_is_refused_naming_the_problem(app, url, message):
    with pytest.raises(FeedRefused) as refused:
        _fetch(app, url, resolve=_no_network, allow_private=True)
    assert refused.value.message == message
    assert "hemmelig" not in refused.value.message
    with app.app_context(), pytest.raises(services.ShiftError) as error:
        services.add_feed(url, unit_id=None)
    assert [p.message for p in error.value.problems] == [message]


def test_a_stored_feed_with_a_backslash_url_fails_its_sync_with_the_reason(app, org):
    """Feeds stored before the URL rules (or by the API) are checked again when fetched."""
    with app.app_context():
        feed = services.add_feed("http://example.org/x.ics", person=db.session.merge(org.nurse))
        feed.url = "http://127.0.0.1:5205\\@1.1.1.1/x"
        assert services.sync_feed(feed) is None
        assert feed.last_error == "Adressen kan ikke inneholde omvendt skråstrek (\\)."


def test_a_host_name_that_resolves_to_loopback_is_refused(app, org):
    with pytest.raises(FeedRefused) as refused:
        _fetch(app, "http://localhost:9/feed.ics")
    assert "internt nettverk" in refused.value.message
    with app.app_context():
        feed = services.add_feed("http://localhost:9/feed.ics", person=db.session.merge(org.nurse))
        assert services.sync_feed(feed) is None
        assert "internt nettverk" in feed.last_error


def test_every_address_a_host_resolves_to_must_be_public(app):
    def both(host, port, **_kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::ffff:127.0.0.1", port, 0, 0)),
        ]

    with pytest.raises(FeedRefused, match="internt nettverk"):
        _fetch(app, "http://feed.example/x.ics", resolve=both)


def test_a_dns_answer_that_changes_after_the_check_reaches_only_the_checked_address(app, monkeypatch):
    answers = iter([PUBLIC, PRIVATE, PRIVATE])
    asked, connected = [], []

    def rebinding(host, port, **_kwargs):
        asked.append(host)
        return _answer(next(answers))(host, port)

    def connect(address, *_args, **_kwargs):
        connected.append(address)
        raise ConnectionRefusedError("no server in the test")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", connect)
    with pytest.raises(FeedError) as error:
        _fetch(app, "http://feed.example/x.ics", resolve=rebinding)
    assert asked == ["feed.example"]
    assert connected == [(PUBLIC, 80)]
    assert error.value.message == "Kunne ikke hente kalenderen (NewConnectionError)."


class _Server:
    """A feed server on 127.0.0.1 that plays a public host: it answers ``paths`` with a body, or with
    a redirect where the value starts with ``->``, and notes the Host header of each request."""

    def __init__(self, paths: dict[str, str]) -> None:
        self.hosts: list[str] = []
        hosts = self.hosts

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hosts.append(self.headers["Host"])
                answer = paths.get(self.path, "")
                if answer.startswith("->"):
                    self.send_response(302)
                    self.send_header("Location", answer[2:])
                    self.end_headers()
                    return
                self.send_response(200 if answer else 404)
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, *_args):
                pass

        self.http = http.server.ThreadingHTTPServer((PRIVATE, 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


@pytest.fixture
def public_host(monkeypatch) -> Iterator[_Server]:
    """feed.example resolves to a public address, and connections to it reach the local server."""
    server = _Server(
        {
            "/ok.ics": "BEGIN:VCALENDAR",
            "/hop.ics": "->/ok.ics",
            "/inside.ics": "->http://localhost:8000/admin",
            "/loop.ics": "->/loop.ics",
        }
    )
    real = urllib3.util.connection.create_connection

    def to_local(address, *args, **kwargs):
        assert address[0] == PUBLIC, f"connected to {address}"
        return real((PRIVATE, server.http.server_port), *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", to_local)
    yield server
    server.http.shutdown()
    server.http.server_close()


def _public_dns(host, port, **_kwargs):
    return _answer(PUBLIC if host == "feed.example" else PRIVATE)(host, port)


def test_the_checked_address_is_fetched_with_the_host_name_and_redirects_are_followed(app, public_host):
    assert _fetch(app, "http://feed.example/hop.ics", resolve=_public_dns) == b"BEGIN:VCALENDAR"
    assert public_host.hosts == ["feed.example", "feed.example"]


def test_a_redirect_into_the_network_is_refused(app, public_host):
    with pytest.raises(FeedRefused) as refused:
        _fetch(app, "http://feed.example/inside.ics", resolve=_public_dns)
    assert refused.value.message == INTERNAL


def test_endless_redirects_stop(app, public_host):
    with pytest.raises(FeedRefused, match="videre for mange ganger"):
        _fetch(app, "http://feed.example/loop.ics", resolve=_public_dns)
    assert len(public_host.hosts) == fetching.MAX_REDIRECTS + 1


def test_https_connects_to_the_checked_address_but_checks_the_certificate_for_the_host_name():
    pool = fetching._pool(fetching.check_url("webcal://feed.example/x.ics"), PUBLIC)
    assert (pool.scheme, pool.host, pool.port) == ("https", PUBLIC, 443)
    assert pool.conn_kw["server_hostname"] == "feed.example"
    assert pool.assert_hostname == "feed.example"
    assert pool.cert_reqs == "CERT_REQUIRED"
