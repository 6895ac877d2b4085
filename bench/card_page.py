"""A module card page against a bare Flask endpoint, both served by the same gunicorn (1 worker,
threads) on 127.0.0.1: requests per second for each, and the ratio.

The budget (DESIGN.md §6): a card page is a few small queries and a cached, pre-rendered module, within
2-3x of a bare Flask endpoint served the same way. Nothing here asserts a time; it prints figures.

    .venv/bin/python bench/card_page.py [--requests 2000] [--connections 4] [--rounds 3]

The rounds alternate bare page and card page; it prints the median and spread of each.

Setup: SQLite in a temporary folder, the test module ``alle-korttyper`` installed and published, one
person with an attempt open on a question card; the client signs in like a browser (CSRF token,
session cookie) and then asks for the card page over keep-alive connections, one per thread.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config, free_port, wait_for  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "modules" / "alle-korttyper"
EMAIL = "bench@example.no"
PASSWORD = "bench-passord-123"
CARD_INDEX = 2  # a single-choice question
BARE_PAGE = (
    '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Bare</title></head>'
    "<body><main><h1>Bare Flask</h1><p>Et lite svar.</p></main></body></html>"
)


def served():
    """The WSGI app gunicorn serves: the platform, with the bare Flask app mounted at /bare."""
    from flask import Flask
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from lms import create_app

    platform = create_app(bench_config(Path(os.environ["LMS_BENCH_DIR"])))
    bare = Flask("bare")

    @bare.route("/")
    def page():
        return BARE_PAGE

    platform.wsgi_app = DispatcherMiddleware(platform.wsgi_app, {"/bare": bare})
    return platform


def prepare(folder: Path) -> int:
    """Make the database: the module, a person, an attempt on a question card. Returns its id."""
    from lms import create_app
    from lms.accounts.services import set_password
    from lms.content import services as content
    from lms.extensions import db
    from lms.learning import services as learning
    from lms.organisation.models import Role, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role

    app = create_app(bench_config(folder))
    with app.app_context():
        db.create_all()
        unit = create_unit("Benkvik sykehjem", UnitKind.UNIT)
        person = create_person("Benk Testesen", email=EMAIL)
        set_password(person, PASSWORD)
        grant_role(person, unit, Role.STAFF)
        version, _ = content.install(FIXTURE, "bench", publish=True)
        attempt = learning.start_or_resume(person, version)
        learning.move_to(attempt, learning.module_of(attempt), CARD_INDEX)
        db.session.commit()
        attempt_id = attempt.id
        db.session.remove()
        db.engine.dispose()
    return attempt_id


def sign_in(port: int) -> str:
    """Sign in as the bench person; returns the Cookie header a browser would then send."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    body = urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"sign-in failed: HTTP {response.status}")
    connection.close()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def hammer(port: int, path: str, headers: dict, total: int, connections: int) -> float:
    """``total`` GETs of ``path`` over ``connections`` keep-alive connections; returns requests/s."""
    per_thread = [
        total // connections + (1 if n < total % connections else 0) for n in range(connections)
    ]
    failures: list[str] = []
    start_line = threading.Barrier(connections + 1)

    def run(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start_line.wait()
        for _ in range(count):
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{path}: HTTP {response.status}")
                break
        connection.close()

    threads = [threading.Thread(target=run, args=(count,)) for count in per_thread]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(failures[0])
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parse_arguments(parser, smoke={"requests": 40, "warmup": 10, "rounds": 1})

    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        folder = Path(tmp)
        attempt_id = prepare(folder)
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--workers", "1",
                "--threads", str(max(4, args.connections)),
                "--bind", f"127.0.0.1:{port}",
                "--keep-alive", "30",
                "--log-level", "warning",
                "--chdir", str(ROOT),
                "bench.card_page:served()",
            ],
            env={**os.environ, "LMS_BENCH_DIR": str(folder)},
        )  # fmt: skip
        try:
            wait_for(port, server)
            cookie = sign_in(port)
            card = f"/attempts/{attempt_id}/cards/{CARD_INDEX}"
            signed_in = {"Cookie": cookie}
            for path, headers in ((card, signed_in), ("/bare/", {})):
                hammer(port, path, headers, args.warmup, args.connections)
            bare, page = [], []
            for _ in range(args.rounds):
                bare.append(hammer(port, "/bare/", {}, args.requests, args.connections))
                page.append(hammer(port, card, signed_in, args.requests, args.connections))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    print(
        f"gunicorn 1 worker, {max(4, args.connections)} threads; {args.requests} requests over "
        f"{args.connections} keep-alive connections"
    )
    ratios = [p / b for p, b in zip(page, bare, strict=True)]
    print(f"bare Flask page:  {spread(bare, 'requests/s')}")
    print(f"module card page: {spread(page, 'requests/s')} ({card})")
    print(f"ratio card page / bare: {spread(ratios, digits=2)}")
    print(load_average())


if __name__ == "__main__":
    main()
