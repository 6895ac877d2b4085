"""Taking a module against a bare Flask endpoint, side by side: requests per second of the module's
offline bundle GET, the answer POST and the module's start page, each as a share of the bare
endpoint's, all served by one gunicorn (2 workers x 4 threads, gthread) on 127.0.0.1.

The budget (DESIGN.md §6): the bundle at >= 0.5x the bare endpoint, the answer POST and the start
page at >= 0.25x. Nothing here asserts a time; it prints figures and the goals beside them.

    .venv/bin/python bench/card_page.py [--seconds 5] [--connections 8] [--rounds 3]

Each gunicorn worker listens on a socket of its own (``--reuse-port``), so the kernel spreads
wrk's connections over the workers. On one shared socket, the worker that happened to be awake
accepted all 8 keep-alive connections in about a third of the runs, and the start page was then
served by one process on one core: about 375 requests/s against 950-1,000 when both workers had
some, which made the ratio's spread (0.14-0.35).

The client is wrk (``scripts/ensure-wrk`` installs it), which is not the bottleneck. Each round runs
the bare endpoint and then the three measured requests, one wrk run each, so drift in the machine's
load falls on all of them alike; the figures are the median and spread over the rounds, and the
ratios are taken within each round.

Setup: SQLite in a temporary folder (or ``--database-url``), the test module ``alle-korttyper``
installed and published, two people signed in like a browser (CSRF token, session cookie): a
learner with one open attempt, whose start page and bundle are asked for, and an answerer with
thousands of open attempts, so that every POST is a real new answer (a new client id on a card of an
attempt no other request answers, as the player sends them to ``/attempts/<id>/answers``). The
learner's start page is not slowed by the answerer's attempts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.cpu import workers_cpu_seconds  # noqa: E402
from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config, free_port, wait_for  # noqa: E402
from bench.support.wrk import Answers, Load, Run, hammer, wrk_executable  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "modules" / "alle-korttyper"
MODULE_ID = "alle-korttyper"
PASSWORD = "bench-passord-123"
LEARNER = "laerer@example.no"
ANSWERER = "svarer@example.no"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
BUNDLE = re.compile(r'data-bundle="([^"]+)"')
ANSWERS = {
    "enkelt": {"response": "b"},
    "flere": {"response": ["b", "c"]},
    "sant": {"response": "false"},
    "rekkefolge": {"position-oppdag": "1", "position-sikre": "2", "position-melde": "3"},
}
"""A right answer to each question card of the module, as the player sends its form's fields."""
GOALS = {"bundle": 0.5, "answer": 0.25, "start": 0.25}
BARE_PAGE = (
    '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Bare</title></head>'
    "<body><main><h1>Bare Flask</h1><p>Et lite svar.</p></main></body></html>"
)


def served():
    """The WSGI app gunicorn serves: the platform, with the bare Flask app mounted at /bare."""
    from flask import Flask
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from lms import create_app

    folder = Path(os.environ["LMS_BENCH_DIR"])
    platform = create_app(bench_config(folder, os.environ.get("LMS_BENCH_DATABASE_URL") or None))
    bare = Flask("bare")

    @bare.route("/")
    def page():
        return BARE_PAGE

    platform.wsgi_app = DispatcherMiddleware(platform.wsgi_app, {"/bare": bare})
    return platform


def prepare(folder: Path, database_url: str | None, attempts: int) -> tuple[str, int]:
    """The database: the module, the learner with one open attempt, the answerer with ``attempts``
    open attempts of consecutive ids. Returns the learner's card page and the first of those ids."""
    import sqlalchemy as sa

    from lms import create_app
    from lms.accounts.services import set_password
    from lms.content import services as content
    from lms.db import utcnow
    from lms.extensions import db
    from lms.learning import services as learning
    from lms.learning.models import Attempt
    from lms.organisation.models import Role, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role

    app = create_app(bench_config(folder, database_url))
    with app.test_request_context():
        db.drop_all()
        db.create_all()
        unit = create_unit("Benkvik sykehjem", UnitKind.UNIT)
        learner, answerer = (
            create_person(name, email=email)
            for name, email in (("Lea Lærer", LEARNER), ("Svein Svarer", ANSWERER))
        )
        for person in (learner, answerer):
            set_password(person, PASSWORD)
            grant_role(person, unit, Role.STAFF)
        version, _ = content.install(FIXTURE, "bench", publish=True)
        card = f"/attempts/{learning.start_or_resume(learner, version).id}/cards/0"
        first = learning.start_or_resume(answerer, version).id
        now = utcnow()
        row = {"person_id": answerer.id, "module_id": MODULE_ID, "version_id": version.id}
        db.session.execute(
            sa.insert(Attempt),
            [
                {**row, "id": first + n, "uuid": f"00000000-0000-4000-9000-{n:012x}",
                 "position": 0, "started_at": now, "updated_at": now}
                for n in range(1, attempts)
            ],
        )  # fmt: skip
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return card, first


def sign_in(port: int, email: str) -> tuple[str, str]:
    """Sign in as ``email``; returns the Cookie header a browser would then send and the CSRF
    token the pages carry."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/login")
    response = connection.getresponse()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    token = CSRF.search(response.read().decode()).group(1)
    body = urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/login", body=body, headers=form)
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"sign-in failed: HTTP {response.status}")
    connection.close()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0], token


def bundle_address(port: int, cookie: str, card: str) -> str | None:
    """The offline bundle's address, as the player finds it: the card page's ``data-bundle``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", card, headers={"Cookie": cookie})
    found = BUNDLE.search(connection.getresponse().read().decode())
    connection.close()
    return found[1] if found else None


def answers_stored(folder: Path, database_url: str | None) -> int:
    from lms import create_app
    from lms.extensions import db
    from lms.learning.models import Answer

    app = create_app(bench_config(folder, database_url))
    with app.app_context():
        count = db.session.query(Answer).count()
        db.session.remove()
        db.engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="each wrk run's duration")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--client-threads", type=int, default=1, help="wrk's threads")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="seconds per request, unmeasured")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (DESIGN.md §6)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--answers-per-round",
        type=int,
        default=30000,
        help="answers prepared for each POST run: at least what one run posts (6,000/s covers "
        "twice this machine's rate), or the POSTs past them are answered 404",
    )
    parser.add_argument("--database-url", help="a PostgreSQL database to fill (it is emptied)")
    parser.add_argument(
        "--only",
        choices=("bundle", "answer", "start"),
        action="append",
        help="measure only this request beside the bare endpoint (may be given again)",
    )
    args = parse_arguments(
        parser,
        smoke={"seconds": 1, "rounds": 1, "warmup": 0, "answers_per_round": 6000},
    )
    wrk_executable()

    runs = args.rounds + 1  # the warm-up answers too
    cards = len(ANSWERS)
    attempts = -(-args.answers_per_round * runs // cards)
    load = Load(args.seconds, args.connections, args.client_threads)
    warmup = Load(args.warmup, args.connections, args.client_threads)
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        card, first_attempt = prepare(folder, args.database_url, attempts)
        print(f"prepared {attempts} open attempts in {time.perf_counter() - began:.1f} s", flush=True)
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--workers", str(args.workers),
                "--threads", str(args.threads),
                "--worker-class", "gthread",
                "--bind", f"127.0.0.1:{port}",
                "--keep-alive", "30",
                "--reuse-port",  # each worker its own socket: see the module's docstring
                "--log-level", "warning",
                "--chdir", str(ROOT),
                "bench.card_page:served()",
            ],
            env={
                **os.environ,
                "LMS_BENCH_DIR": str(folder),
                "LMS_BENCH_DATABASE_URL": args.database_url or "",
            },
        )  # fmt: skip
        try:
            wait_for(port, server)
            time.sleep(1.0)  # every worker is up
            learner_cookie, _ = sign_in(port, LEARNER)
            answerer_cookie, token = sign_in(port, ANSWERER)
            bundle = bundle_address(port, learner_cookie, card)
            base = f"http://127.0.0.1:{port}"
            bodies = tuple(
                json.dumps({"card_id": card, "fields": fields, "client_id": "CLIENT_ID"})
                for card, fields in ANSWERS.items()
            )
            poster = {
                "Cookie": answerer_cookie,
                "X-CSRFToken": token,
                "Content-Type": "application/json",
            }

            def measure(name: str, run: int, how: Load) -> tuple[float, float]:
                """Requests per second, and the workers' CPU milliseconds per request."""
                before = workers_cpu_seconds(server.pid)
                done = hammered(name, run, how)
                cpu = 1000 * (workers_cpu_seconds(server.pid) - before) / max(done.matched, 1)
                return done.requests_per_second, cpu

            def hammered(name: str, run: int, how: Load) -> Run:
                if name == "bare":
                    return hammer(f"{base}/bare/", how)
                if name == "bundle":
                    return hammer(f"{base}{bundle}", how, headers={"Cookie": learner_cookie})
                if name == "start":
                    page = f"{base}/learn/{MODULE_ID}"
                    return hammer(page, how, headers={"Cookie": learner_cookie})
                ran_out = "the POSTs ran out of prepared answers: raise --answers-per-round"
                slots = Answers(first_attempt, run * args.answers_per_round, bodies, ran_out)
                done = hammer(f"{base}/", how, headers=poster, status=201, answers=slots)
                if done.matched > args.answers_per_round:
                    raise SystemExit(ran_out)
                posted.append(done.matched)
                return done

            posted: list[int] = []
            chosen = args.only or ("bundle", "answer", "start")
            names = ("bare", *(n for n in chosen if n != "bundle" or bundle))
            for name in names if args.warmup else ():
                measure(name, 0, warmup)
            print(f"after setup and warm-up: {load_average()}", flush=True)
            rates: dict[str, list[float]] = {name: [] for name in names}
            cpu: dict[str, list[float]] = {name: [] for name in names}
            for run in range(1, runs):
                for name in names:
                    rate, milliseconds = measure(name, run, load)
                    rates[name].append(rate)
                    cpu[name].append(milliseconds)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        stored = answers_stored(folder, args.database_url)

    print(
        f"gunicorn {args.workers} workers x {args.threads} threads (gthread), "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}; wrk {args.client_threads} thread(s), "
        f"{args.connections} connections, {args.seconds} s per run, {args.rounds} "
        f"round{'s' if args.rounds != 1 else ''} interleaved ({', '.join(rates)})"
    )
    print(f"bare Flask endpoint:  {spread(rates['bare'], 'requests/s')}")
    print(f"    workers' CPU per request: {spread(cpu['bare'], 'ms', digits=3)}")
    labels = {
        "bundle": f"offline bundle GET:   ({bundle})",
        "answer": "answer POST:          (/attempts/<id>/answers, each a new answer)",
        "start": f"module start page:    (/learn/{MODULE_ID})",
    }
    if not bundle and "bundle" in (args.only or ("bundle",)):
        print("offline bundle GET:   not measured: the card page names no bundle (data-bundle)")
    for name, label in labels.items():
        if name not in rates:
            continue
        title, _, where = label.partition("(")
        ratios = [mine / bare for mine, bare in zip(rates[name], rates["bare"], strict=True)]
        print(f"{title}{spread(rates[name], 'requests/s')} ({where}")
        print(f"    ratio to bare: {spread(ratios, digits=2)}; goal >= {GOALS[name]}x")
        cpu_ratios = [bare / mine for mine, bare in zip(cpu[name], cpu["bare"], strict=True)]
        print(
            f"    workers' CPU per request: {spread(cpu[name], 'ms', digits=3)}; bare's CPU per "
            f"request over this one's: {spread(cpu_ratios, digits=2)}"
        )
    print(
        f"answer POSTs answered 201 Created: {sum(posted)}; answers stored: {stored} (wrk does not "
        "count the answers to the requests still open when a run ends)"
    )
    print(f"after the runs: {load_average()}")


if __name__ == "__main__":
    main()
