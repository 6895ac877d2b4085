"""A small HTTP proxy in front of a real LRS that can misbehave on purpose.

It forwards every request to the LRS (with ``requests``) and notes what it saw. Switches:

- ``script``: answers to give to the next POSTs instead of forwarding them, in order, e.g.
  ``[Answer(500), Answer(429, headers={"Retry-After": "120"})]``; forwarding resumes when it is empty.
- ``down``: an answer to give to every POST (after ``script``) until it is set back to None: an
  outage that lasts as long as the test wants.
- ``reject``: statement id -> reason; a POST holding one of them gets 400 with the reason.
- ``hold_post``: the number (1-based) of the POST whose answer is held back *after* the LRS has stored
  it: ``held`` is set, and the answer waits for ``release`` (to kill the client meanwhile).
- ``gate``: POSTs wait until this many are in flight at once (or ``gate_timeout`` passes), proving
  that that many workers post at the same time.
- ``delay``: seconds to wait after forwarding, before answering.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


@dataclass
class Answer:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """One POST: when (monotonic), the statement ids it carried, what we answered, whether forwarded."""

    at: float
    ids: tuple[str, ...]
    status: int
    forwarded: bool


class LRSProxy:
    def __init__(self, upstream: str):
        """``upstream``: the LRS's root, e.g. ``http://127.0.0.1:8100`` (paths are passed through)."""
        self.upstream = upstream.rstrip("/")
        self.script: list[Answer] = []
        self.down: Answer | None = None
        self.reject: dict[str, str] = {}
        self.hold_post: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.gate: int = 0
        self.gate_timeout: float = 30.0
        self.delay: float = 0.0
        self.posts: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Condition()
        self._post_number = 0
        self._gate_open = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def endpoint(self, path: str = "/xAPI") -> str:
        return self.root + path

    def start(self) -> LRSProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def forwarded_ids(self) -> Counter[str]:
        """How often each statement id was passed on to the LRS."""
        with self._lock:
            return Counter(i for seen in self.posts if seen.forwarded for i in seen.ids)

    def post_count(self) -> int:
        with self._lock:
            return len(self.posts)

    # The server side.

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:
                self._reply(proxy._forward("GET", self.path, self.headers, None))

            def do_PUT(self) -> None:
                self._reply(proxy._forward("PUT", self.path, self.headers, self._body()))

            def do_POST(self) -> None:
                self._reply(proxy._post(self.path, self.headers, self._body()))

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _reply(self, answer: Answer) -> None:
                body = answer.body.encode()
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        if name.lower() not in HOP_BY_HOP:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    self.close_connection = True  # the client is gone (killed): nothing to do

        return Handler

    def _forward(self, method: str, path: str, headers, body: bytes | None) -> Answer:
        passed = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
        try:
            response = requests.request(
                method, self.upstream + path, headers=passed, data=body, timeout=60
            )
        except requests.RequestException as error:
            return Answer(502, f"proxy: {type(error).__name__}: {error}")
        return Answer(response.status_code, response.text, dict(response.headers))

    def _post(self, path: str, headers, body: bytes) -> Answer:
        ids = _statement_ids(body)
        with self._lock:
            self._post_number += 1
            number = self._post_number
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._lock.notify_all()
            if self.gate and not self._gate_open:
                self._lock.wait_for(lambda: self.in_flight >= self.gate, timeout=self.gate_timeout)
                self._gate_open = True
            scripted = self.script.pop(0) if self.script else self.down
        try:
            forwarded = False
            rejected = [i for i in ids if i in self.reject]
            if scripted is not None:
                answer = scripted
            elif rejected:
                reason = f"statement {rejected[0]}: {self.reject[rejected[0]]}"
                body = json.dumps({"detail": reason})
                answer = Answer(400, body, {"Content-Type": "application/json"})
            else:
                answer = self._forward("POST", path, headers, body)
                forwarded = True
                if self.delay:
                    time.sleep(self.delay)
                if number == self.hold_post:
                    self.held.set()
                    self.release.wait(timeout=120)
            with self._lock:
                self.posts.append(Seen(time.monotonic(), tuple(ids), answer.status, forwarded))
            return answer
        finally:
            with self._lock:
                self.in_flight -= 1


def _statement_ids(body: bytes) -> list[str]:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    return [item["id"] for item in items if isinstance(item, dict) and "id" in item]
