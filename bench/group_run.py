"""How many phones one group run serves with a card change reaching every phone within a second.

The app is served by gunicorn (threads) on 127.0.0.1 with SQLite in a temporary folder. One run of
the test module ``alle-korttyper`` is open with every simulated participant joined. Each participant
is a thread with its own keep-alive connection and session cookie that does what ``group.js`` does:
ask ``/groups/me/<id>/state`` every ``--every`` seconds with ``If-None-Match`` (a 304 while nothing
changed) and, when the revision changes, fetch the new card (``?fragment=1``). Each phone starts at a
random moment within the interval, as real phones do.

The facilitator then moves to the next card ``--moves`` times; for each move the bench records how
long after the move was sent each phone had the new card in hand. It does that for growing groups
(``--sizes``) and prints the figures and the largest group in which every phone saw every move
within one second. Nothing is asserted: it prints figures (DESIGN.md §6).

    .venv/bin/python bench/group_run.py [--sizes 25,50,100,200] [--workers 2] [--threads 8]

The bench's own client threads share the machine with the server, so on a small machine the figure
is a floor for what the server alone could do.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.runs import load_average, parse_arguments, percentile  # noqa: E402
from bench.support.serving import bench_config, free_port, wait_for  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "modules" / "alle-korttyper"
PASSWORD = "bench-passord-123"
FACILITATOR = "veileder@example.no"
SIGN_INS = threading.Semaphore(4)
"""Phones sign in a few at a time (password hashing is heavy; sign-in is not what is measured)."""
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def served():
    """The WSGI app gunicorn serves."""
    from lms import create_app

    return create_app(bench_config(Path(os.environ["LMS_BENCH_DIR"])))


def prepare(folder: Path, people: int) -> tuple[int, list[tuple[str, int]]]:
    """The database: the module, a facilitator, ``people`` staff joined to one open run.
    Returns the run's id and each participant's (e-mail, participant id)."""
    from lms import create_app
    from lms.accounts import services as accounts
    from lms.content import services as content
    from lms.extensions import db
    from lms.groups import services as groups
    from lms.organisation.models import Role, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role

    app = create_app(bench_config(folder))
    with app.test_request_context():
        db.create_all()
        unit = create_unit("Benkvik hjemmesykepleie", UnitKind.UNIT)
        facilitator = create_person("Vera Veileder", email=FACILITATOR)
        accounts.set_password(facilitator, PASSWORD)
        grant_role(facilitator, unit, Role.FACILITATOR)
        version, _ = content.install(FIXTURE, "bench", publish=True)
        run = groups.start_run(facilitator, version, unit)
        joined = []
        for n in range(people):
            person = create_person(f"Deltaker {n}", email=f"deltaker{n}@example.no")
            accounts.set_password(person, PASSWORD)
            grant_role(person, unit, Role.STAFF)
            joined.append((person.email, groups.join(run, person)))
        db.session.commit()
        result = run.id, [(email, participant.id) for email, participant in joined]
        db.session.remove()
        db.engine.dispose()
    return result


class Browser:
    """One keep-alive connection with a session cookie, like one phone's browser."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = {"Cookie": self.cookie, **(headers or {})}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()  # the server closed an idle keep-alive: open again
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return response, data

    def sign_in(self, email: str) -> None:
        _, page = self.request("GET", "/login")
        token = CSRF.search(page.decode()).group(1)
        body = urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
        response, _ = self.request("POST", "/login", body)
        if response.status != 302:
            raise RuntimeError(f"sign-in of {email} failed: HTTP {response.status}")

    def csrf_token(self, path: str) -> str:
        _, page = self.request("GET", path)
        return CSRF.search(page.decode()).group(1)


class Phone(threading.Thread):
    def __init__(self, port: int, email: str, participant_id: int, every: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.browser = Browser(port)
        self.email = email
        self.participant_id = participant_id
        self.every = every
        self.stop = stop
        self.ready = threading.Event()
        self.seen: dict[int, float] = {}
        """Revision -> when the new card was in hand (perf_counter)."""
        self.polls = 0
        self.not_modified = 0
        self.errors: list[str] = []

    def run(self) -> None:
        try:
            with SIGN_INS:
                self.browser.sign_in(self.email)
        except Exception as error:
            self.errors.append(str(error))
            self.ready.set()
            return
        self.ready.set()
        state = f"/groups/me/{self.participant_id}/state"
        card = f"/groups/me/{self.participant_id}?fragment=1"
        etag, revision = None, None
        next_poll = time.perf_counter() + random.uniform(0, self.every)
        while not self.stop.is_set():
            pause = next_poll - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            next_poll += self.every
            headers = {"If-None-Match": etag} if etag else {}
            try:
                response, data = self.browser.request("GET", state, headers=headers)
            except (http.client.HTTPException, OSError) as error:
                self.errors.append(repr(error))
                continue
            self.polls += 1
            if response.status == 304:
                self.not_modified += 1
                continue
            if response.status != 200:
                self.errors.append(f"state: HTTP {response.status}")
                continue
            etag = response.getheader("ETag")
            now = int(re.search(rb'"revision":\s*(\d+)', data).group(1))
            if revision is not None and now != revision:
                fragment, _ = self.browser.request("GET", card)
                if fragment.status == 200:
                    self.seen[now] = time.perf_counter()
            revision = now


def measure(port: int, run_id: int, phones: list[Phone], moves: int, every: float):
    """Card changes 1..``moves`` from the first card; returns each move's latencies per phone and
    the polls per second served meanwhile."""
    facilitator = Browser(port)
    facilitator.sign_in(FACILITATOR)
    screen = f"/groups/runs/{run_id}"

    def move_to(position: int) -> float:
        token = facilitator.csrf_token(screen)
        sent = time.perf_counter()
        response, _ = facilitator.request(
            "POST", f"{screen}/move", urlencode({"csrf_token": token, "to": str(position)})
        )
        if response.status != 302:
            raise SystemExit(f"move failed: HTTP {response.status}")
        return sent

    move_to(0)
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.ready.wait()
    time.sleep(2 * every)  # every phone polling, with its first state in hand
    polls_before, began = sum(p.polls for p in phones), time.perf_counter()
    latencies: list[list[float]] = []
    for position in range(1, moves + 1):
        sent = move_to(position)
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and not all(_seen_after(p, sent) for p in phones):
            time.sleep(0.02)
        latencies.append([(_seen_after(p, sent) or float("inf")) - sent for p in phones])
        time.sleep(every)
    rate = (sum(p.polls for p in phones) - polls_before) / (time.perf_counter() - began)
    return latencies, rate


def _seen_after(phone: Phone, sent: float) -> float | None:
    times = [t for t in phone.seen.values() if t >= sent]
    return min(times) if times else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,50,100,200", help="group sizes to try, growing")
    parser.add_argument("--moves", type=int, default=5, help="card changes per size (at most 9)")
    parser.add_argument("--every", type=float, default=0.8, help="poll interval in seconds (group.js)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parse_arguments(
        parser, smoke={"sizes": "2", "moves": 2, "every": 0.3, "workers": 1, "threads": 4}
    )
    sizes = sorted(int(s) for s in args.sizes.split(","))
    args.moves = max(1, min(args.moves, 9))

    with tempfile.TemporaryDirectory(prefix="lms-bench-group-") as tmp:
        folder = Path(tmp)
        print(f"preparing a run with {sizes[-1]} participants ...", flush=True)
        run_id, participants = prepare(folder, sizes[-1])
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
                "--log-level", "warning",
                "--chdir", str(ROOT),
                "bench.group_run:served()",
            ],
            env={**os.environ, "LMS_BENCH_DIR": str(folder)},
        )  # fmt: skip
        results = []
        try:
            wait_for(port, server)
            for size in sizes:
                stop = threading.Event()
                phones = [
                    Phone(port, email, pid, args.every, stop) for email, pid in participants[:size]
                ]
                latencies, rate = measure(port, run_id, phones, args.moves, args.every)
                stop.set()
                for phone in phones:
                    phone.join(timeout=10)
                polls = sum(p.polls for p in phones)
                not_modified = sum(p.not_modified for p in phones)
                errors = [e for p in phones for e in p.errors]
                results.append((size, latencies, rate, polls, not_modified, errors))
                report(results[-1])
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    print()
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads (gthread), SQLite (WAL); "
        f"phones poll every {args.every:g} s; {args.moves} card changes per size; "
        f"{os.cpu_count()} CPUs shared by server and client"
    )
    within = [size for size, lat, *_ in results if all(max(move) <= 1.0 for move in lat)]
    print(
        f"largest group where every phone saw every card change within 1 s: "
        f"{max(within) if within else 'none of those tried'}"
    )
    print(load_average())
    failed = sum(len(errors) for *_, errors in results)
    if failed:
        raise SystemExit(f"{failed} requests failed")


def report(result) -> None:
    size, latencies, rate, polls, not_modified, errors = result
    every = [value for move in latencies for value in move]
    finite = sorted(v for v in every if v != float("inf"))
    missed = len(every) - len(finite)
    worst = max(every)
    p95 = percentile(finite, 0.95) if finite else float("nan")
    print(
        f"{size:4d} phones: card change seen by all in "
        + ", ".join(f"{max(move):.2f}" for move in latencies)
        + f" s (median {statistics.median(finite):.2f} s, p95 {p95:.2f} s, worst {worst:.2f} s)"
        + f"; {rate:.0f} polls/s, {100 * not_modified / max(polls, 1):.0f}% answered 304"
        + (f"; {missed} phone-moves missed" if missed else "")
        + (f"; {len(errors)} errors, e.g. {errors[0]}" if errors else ""),
        flush=True,
    )


if __name__ == "__main__":
    main()
