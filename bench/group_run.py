"""How fast 50, 100 and 200 phones in one group run see a card change, and what their polling costs.

The platform runs under gunicorn, 2 workers x 4 threads (gthread), as DESIGN.md §6 says (or
``--workers 1 --threads 8``, as ``make run``), on 127.0.0.1 with SQLite in a temporary folder (or
``--database-url``: an empty scratch database whose tables are dropped and made again). One run of
the test module ``alle-korttyper`` is open with every participant joined. Before any clock starts,
each phone signs in (CSRF token, session cookie) and loads its page, which gives it the address it
polls (``/groups/live/<token>``). Phones sign in by e-mailed link (cheap for the server; a
password's hash is slow by design).

Each phone then does what ``group.js`` does: ask that address every 0.6 s +- 25 % (a new random
wait each time, counted from the start of the previous ask), with ``If-None-Match`` and no
cookies (304 while nothing changed), and when the revision changes take the new card from the
poll's answer (``"card"``, sent to an open phone that has not answered it) or else fetch it (the
page's ``data-card-url``: ``/groups/live/<token>/card``, with the session cookie; answered, left
and closed go on to ``/groups/me/<id>?fragment=1``). The client is one
asyncio loop: the polls go over one keep-alive HTTP/1.1 connection per phone written and read
with asyncio's streams (``RawConnection``: no cookies, no client library; aiohttp cost the client
about 0.6 ms of CPU a request, as much as the server it measured, on the same two cores), the
page and the card over a second connection per phone with aiohttp (the browser keeps cookie-less
requests apart). The client's own CPU is printed.

Each round, for each group size in turn (interleaved), the bench measures:

- *idle*: ``--idle`` seconds of polling with nothing changing, three ways in turn: the platform
  as served (the poll answered ahead of Flask, ``lms.groups.live_wsgi``), the same poll through
  Flask's dispatch (the platform's app without that middleware, mounted at /flask), and a bare
  Flask endpoint (mounted at /bare, its own ETag and 304): the server's CPU per second (all
  gunicorn processes, from /proc) and per request;
- *moves*: the facilitator moves on ``--moves`` times, 1.5-2.5 s apart; for each move, how long
  after the facilitator pressed "Neste kort" each phone had its new card in hand; the share within
  1 s, how many of the new cards came with the poll (the rest were fetched), and the server's
  CPU per second over those seconds (the new cards included).

It prints the command, each round's figures, then per size the median and the spread (min-max)
over the rounds, and the load average before and after. Nothing is asserted (DESIGN.md §6). On a
shared machine, read the figures with the load average: the server competes with whatever else runs.

    .venv/bin/python bench/group_run.py [--sizes 50,100,200] [--rounds 3] [--moves 5] [--idle 5]
                                        [--workers 2] [--threads 4]
    .venv/bin/python bench/group_run.py --smoke     # a few phones, one short round: does it run
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.runs import parse_arguments  # noqa: E402
from bench.support.serving import bench_config, free_port, wait_for  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "modules" / "alle-korttyper"
PASSWORD = "bench-passord-123"
FACILITATOR = "veileder@example.no"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
STATE_URL = re.compile(r'data-state-url="([^"]+)"')
CARD_URL = re.compile(r'data-card-url="([^"]+)"')
EVERY = 0.6
JITTER = 0.25
"""As ``group.js``: EVERY_MS and JITTER."""
WITHIN = 1.0
SIGN_INS_AT_ONCE = 8
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def served():
    """The WSGI app gunicorn serves: the platform, with a bare Flask app at /bare and the platform's
    Flask app without the polls' middleware at /flask, for the baselines."""
    from flask import Flask, jsonify, request
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from lms import create_app
    from lms.groups.live_wsgi import PollsAheadOfFlask

    folder = Path(os.environ["LMS_BENCH_DIR"])
    platform = create_app(bench_config(folder, os.environ.get("LMS_BENCH_DATABASE_URL") or None))
    bare = Flask("bare")

    @bare.route("/state")
    def state():
        response = jsonify(revision=0, position=0, status="open")
        response.set_etag("bare")
        return response.make_conditional(request)

    served_polls = platform.wsgi_app
    assert isinstance(served_polls, PollsAheadOfFlask)
    through_flask = served_polls.wsgi_app
    platform.wsgi_app = DispatcherMiddleware(served_polls, {"/bare": bare, "/flask": through_flask})
    return platform


def prepare(folder: Path, database_url: str | None, people: int) -> tuple[int, list[tuple[str, int]]]:
    """The database: the module, a facilitator, ``people`` staff joined to one open run.
    Returns the run's id and each participant's (sign-in link token, participant id): the phones
    sign in by e-mailed link, which costs the server little (a password is hashed for a tenth of a
    second or more by design, and signing in is not what is measured)."""
    from lms import create_app
    from lms.accounts import services as accounts
    from lms.content import services as content
    from lms.extensions import db
    from lms.groups import services as groups
    from lms.organisation.models import Role, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role

    app = create_app(bench_config(folder, database_url))
    with app.test_request_context():
        db.drop_all()
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
            grant_role(person, unit, Role.STAFF)
            link = accounts.create_sign_in_link(person, timedelta(hours=3))
            joined.append((link, groups.join(run, person)))
        db.session.commit()
        result = run.id, [(link, participant.id) for link, participant in joined]
        db.session.remove()
        db.engine.dispose()
    return result


# The server's CPU ---------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


class ServerCpu:
    """CPU seconds used by gunicorn's master and workers (the workers are found once, at start)."""

    def __init__(self, master: int):
        self.pids = [master, *_children(master)]

    def seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids)


def client_cpu() -> float:
    times = os.times()
    return times.user + times.system


# The phones ---------------------------------------------------------------------------------------


def jittered(seconds: float) -> float:
    return seconds * (1 - JITTER + 2 * JITTER * random.random())


class RawConnection:
    """One keep-alive HTTP/1.1 connection for a phone's cookie-less polls, written and read with
    asyncio's streams: a request line, a few headers, a status line, headers and a body of
    ``Content-Length`` bytes. Reconnects after the server closed it or after an error."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, etag: str | None) -> tuple[int, dict[str, str], bytes]:
        """GET ``path``; once more on a new connection if a kept-alive one failed (as a browser
        does: gunicorn closes connections idle for ``--keep-alive`` seconds)."""
        reused = self.writer is not None
        try:
            try:
                return await self._exchange(path, etag)
            except (OSError, asyncio.IncompleteReadError):
                self.close()
                if not reused:
                    raise
            return await self._exchange(path, etag)
        except asyncio.CancelledError:
            # Cancelled between the request and its answer (a window ends): the answer would be
            # read as the answer to the next request on this connection, one poll late.
            self.close()
            raise

    async def _exchange(self, path: str, etag: str | None) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        condition = f"If-None-Match: {etag}\r\n" if etag else ""
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Accept: application/json\r\n{condition}\r\n".encode("latin-1")
        )
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        body = await self.reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(head[0].split(" ", 2)[1]), headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Phone:
    link: str
    """The token of the phone's sign-in link."""
    participant_id: int
    base: str
    page: aiohttp.ClientSession | None = None
    """Signed in: the page and its card fragments."""
    poll: RawConnection | None = None
    """No cookies: the polls, as ``credentials: "omit"``."""
    poll_path: str = ""
    card_path: str = ""
    """Where ``group.js`` fetches the new card, from the page (``?revision=`` added per change)."""
    polls: int = 0
    not_modified: int = 0
    round_trips: list[float] = field(default_factory=list)
    """Seconds from asking to the answer in hand, per poll."""
    errors: list[str] = field(default_factory=list)
    cards_with_poll: int = 0
    cards_fetched: int = 0
    noticed: dict[int, float] = field(default_factory=dict)
    """Revision -> when a poll told of it (loop time)."""
    seen: dict[int, float] = field(default_factory=dict)
    """Revision -> when its card was in hand (loop time)."""

    async def sign_in(self) -> None:
        self.page = aiohttp.ClientSession(
            self.base,
            connector=aiohttp.TCPConnector(limit=1),
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1 too
        )
        host, port = self.base.removeprefix("http://").split(":")
        self.poll = RawConnection(host, int(port))
        await _sign_in_by_link(self.page, self.link)
        async with self.page.get(f"/groups/me/{self.participant_id}") as response:
            text = await response.text()
        self.poll_path = html.unescape(STATE_URL.search(text).group(1))
        self.card_path = html.unescape(CARD_URL.search(text).group(1))

    async def close(self) -> None:
        if self.poll is not None:
            self.poll.close()
        if self.page is not None:
            await self.page.close()

    async def follow(self, path: str, loop: asyncio.AbstractEventLoop) -> None:
        """Poll ``path`` as ``group.js`` does until cancelled."""
        etag, shown = None, None
        await asyncio.sleep(jittered(EVERY))
        while True:
            began = loop.time()
            try:
                status, headers, body = await self.poll.get(path, etag)
                self.polls += 1
                self.round_trips.append(loop.time() - began)
                if status == 304:
                    self.not_modified += 1
                elif status == 200:
                    etag = headers.get("etag")
                    state = json.loads(body)
                    now = (state["revision"], state["status"])
                    if shown is not None and now != shown:
                        self.noticed.setdefault(state["revision"], loop.time())
                        if isinstance(state.get("card"), str):  # the card came with the poll
                            self.seen.setdefault(state["revision"], loop.time())
                            self.cards_with_poll += 1
                        else:
                            await self._fetch_card(state["revision"], loop)
                            self.cards_fetched += 1
                    shown = now
                else:
                    self.errors.append(f"poll: HTTP {status}")
            except (OSError, asyncio.IncompleteReadError, aiohttp.ClientError) as error:
                self.errors.append(repr(error))
            await asyncio.sleep(max(0.0, jittered(EVERY) - (loop.time() - began)))

    async def _fetch_card(self, revision: int, loop: asyncio.AbstractEventLoop) -> None:
        glue = "&" if "?" in self.card_path else "?"
        async with self.page.get(f"{self.card_path}{glue}revision={revision}") as response:
            await response.read()
            if response.status == 200:
                self.seen.setdefault(revision, loop.time())
            else:
                self.errors.append(f"card: HTTP {response.status}")


async def _sign_in_by_link(session: aiohttp.ClientSession, token: str) -> None:
    async with session.get(f"/login/link/{token}") as response:
        csrf = CSRF.search(await response.text()).group(1)
    async with session.post(
        f"/login/link/{token}", data={"csrf_token": csrf}, allow_redirects=False
    ) as response:
        if response.status != 302:
            raise SystemExit(f"sign-in by link failed: HTTP {response.status}")


async def _sign_in(session: aiohttp.ClientSession, email: str) -> None:
    async with session.get("/login") as response:
        token = CSRF.search(await response.text()).group(1)
    form = {"csrf_token": token, "email": email, "password": PASSWORD}
    async with session.post("/login", data=form, allow_redirects=False) as response:
        if response.status != 302:
            raise SystemExit(f"sign-in of {email} failed: HTTP {response.status}")


class Facilitator:
    def __init__(self, base: str, run_id: int):
        self.session = aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.screen = f"/groups/runs/{run_id}"
        self.revision = 0

    async def move_to(self, position: int) -> tuple[int, float, float]:
        """Press "Neste kort" (to ``position``); returns the new revision, when it was pressed and
        when the server's answer was in (the move committed)."""
        async with self.session.get(self.screen) as response:
            token = CSRF.search(await response.text()).group(1)
        pressed = asyncio.get_running_loop().time()
        form = {"csrf_token": token, "to": str(position)}
        async with self.session.post(
            f"{self.screen}/move", data=form, allow_redirects=False
        ) as response:
            if response.status != 302:
                raise SystemExit(f"move failed: HTTP {response.status}")
        self.revision += 1
        return self.revision, pressed, asyncio.get_running_loop().time()


# One measurement ----------------------------------------------------------------------------------


@dataclass
class Window:
    """``--idle`` seconds of the phones polling one address while nothing changes."""

    cores: float
    """Server CPU seconds per second."""
    ms_per_poll: float
    """Server CPU milliseconds per poll."""
    polls_per_second: float
    client_cores: float
    round_trip: float
    """Median seconds from asking to the answer in hand: on an idle machine a millisecond or two;
    more is time the server's (or the client's) threads waited for a CPU."""


@dataclass
class Figures:
    size: int
    share_within: float
    """Share of phone-moves where the new card was in hand within ``WITHIN`` seconds."""
    median_latency: float
    p95_latency: float
    worst_latency: float
    move_answered: float
    """Median seconds from pressing "Neste kort" to the server's answer (the move committed)."""
    median_notice: float
    """Median seconds from the press to the poll that told the phone."""
    median_fetch: float
    """Median seconds from that poll to the new card in hand."""
    served: Window
    """The poll as the platform serves it (ahead of Flask)."""
    through_flask: Window
    """The same poll through Flask's dispatch."""
    bare: Window
    """A bare Flask endpoint with an ETag."""
    moves_cores: float
    """Server CPU seconds per second over the card changes (polls and new cards included)."""
    moves_client_cores: float
    with_poll: float
    """Share of the new cards that came with the poll's answer (the rest were fetched)."""
    errors: list[str]


async def poll_window(phones, path_of, seconds, cpu: ServerCpu, loop) -> Window:
    """Let the phones poll ``path_of(phone)`` for ``seconds``, once every phone holds an ETag."""
    tasks = [asyncio.create_task(p.follow(path_of(p), loop)) for p in phones]
    await asyncio.sleep(1.5 * EVERY)  # every phone has asked once and holds an ETag
    for phone in phones:
        phone.round_trips.clear()
    polls, server, client, began = (
        sum(p.polls for p in phones),
        cpu.seconds(),
        client_cpu(),
        loop.time(),
    )
    await asyncio.sleep(seconds)
    elapsed = loop.time() - began
    server_used, client_used = cpu.seconds() - server, client_cpu() - client
    asked = sum(p.polls for p in phones) - polls
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return Window(
        cores=server_used / elapsed,
        ms_per_poll=1000 * server_used / max(asked, 1),
        polls_per_second=asked / elapsed,
        client_cores=client_used / elapsed,
        round_trip=statistics.median([t for p in phones for t in p.round_trips] or [0.0]),
    )


async def measure(phones, facilitator, cpu, args, position: int, loop) -> tuple[Figures, int]:
    """One round for one group size; returns the figures and the card the run is on."""
    for phone in phones:
        phone.polls = phone.not_modified = phone.cards_with_poll = phone.cards_fetched = 0
        phone.errors.clear()
    bare = await poll_window(phones, lambda p: "/bare/state", args.idle, cpu, loop)
    through_flask = await poll_window(phones, lambda p: "/flask" + p.poll_path, args.idle, cpu, loop)
    served = await poll_window(phones, lambda p: p.poll_path, args.idle, cpu, loop)

    tasks = [asyncio.create_task(p.follow(p.poll_path, loop)) for p in phones]
    await asyncio.sleep(1.5 * EVERY)
    server, client, began = cpu.seconds(), client_cpu(), loop.time()
    latencies, moves, notices, fetches = [], [], [], []
    for _ in range(args.moves):
        position = 1 if position >= 9 else position + 1
        revision, pressed, committed = await facilitator.move_to(position)
        moves.append(committed - pressed)
        deadline = pressed + 5.0
        while loop.time() < deadline and not all(revision in p.seen for p in phones):
            await asyncio.sleep(0.02)
        latencies += [p.seen.get(revision, float("inf")) - pressed for p in phones]
        notices += [p.noticed[revision] - pressed for p in phones if revision in p.noticed]
        fetches += [p.seen[revision] - p.noticed[revision] for p in phones if revision in p.seen]
        await asyncio.sleep(random.uniform(1.5, 2.5) - min(loop.time() - pressed, 1.5))
    elapsed = loop.time() - began
    moves_cores = (cpu.seconds() - server) / elapsed
    moves_client_cores = (client_cpu() - client) / elapsed
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    finite = sorted(v for v in latencies if v != float("inf"))
    figures = Figures(
        size=len(phones),
        share_within=sum(1 for v in latencies if v <= WITHIN) / len(latencies),
        median_latency=statistics.median(finite) if finite else float("inf"),
        p95_latency=finite[int(0.95 * (len(finite) - 1))] if finite else float("inf"),
        worst_latency=max(latencies),
        move_answered=statistics.median(moves),
        median_notice=statistics.median(notices) if notices else float("inf"),
        median_fetch=statistics.median(fetches) if fetches else float("inf"),
        served=served,
        through_flask=through_flask,
        bare=bare,
        moves_cores=moves_cores,
        moves_client_cores=moves_client_cores,
        with_poll=sum(p.cards_with_poll for p in phones)
        / max(1, sum(p.cards_with_poll + p.cards_fetched for p in phones)),
        errors=[e for p in phones for e in p.errors],
    )
    return figures, position


async def run_bench(args, port: int, run_id: int, participants, cpu: ServerCpu) -> list[Figures]:
    loop = asyncio.get_running_loop()
    base = f"http://127.0.0.1:{port}"
    phones = [Phone(link, pid, base) for link, pid in participants]
    signing = asyncio.Semaphore(SIGN_INS_AT_ONCE)

    async def sign_in(phone: Phone) -> None:
        async with signing:
            await phone.sign_in()

    print(f"signing in {len(phones)} phones (before any clock starts) ...", flush=True)
    facilitator = Facilitator(base, run_id)
    results, position = [], 0
    try:
        await asyncio.gather(*(sign_in(p) for p in phones))
        await _sign_in(facilitator.session, FACILITATOR)
        for round_number in range(1, args.rounds + 1):
            for size in args.sizes:
                figures, position = await measure(phones[:size], facilitator, cpu, args, position, loop)
                results.append(figures)
                print(f"round {round_number}: {describe(figures)}", flush=True)
    finally:
        await facilitator.session.close()
        await asyncio.gather(*(p.close() for p in phones))
    return results


def describe(f: Figures) -> str:
    errors = f"; {len(f.errors)} errors, e.g. {f.errors[0]}" if f.errors else ""
    return (
        f"{f.size:3d} phones: {100 * f.share_within:5.1f} % saw the card change within "
        f"{WITHIN:g} s (median {f.median_latency:.2f} s, p95 {f.p95_latency:.2f} s, worst "
        f"{f.worst_latency:.2f} s; the move answered after {f.move_answered:.2f}"
        f" s, the poll told after {f.median_notice:.2f} s, the card in hand "
        f"{f.median_fetch:.2f} s later; {100 * f.with_poll:.0f} % of the cards came with the "
        f"poll); server {f.moves_cores:.2f} cores over the card changes; "
        f"polling ({f.served.polls_per_second:.0f} polls/s): {f.served.cores:.2f} cores, "
        f"{f.served.ms_per_poll:.2f} ms each, answered in {1000 * f.served.round_trip:.0f} ms; "
        f"through Flask {f.through_flask.cores:.2f} cores, {f.through_flask.ms_per_poll:.2f} ms, "
        f"{1000 * f.through_flask.round_trip:.0f} ms; bare Flask endpoint {f.bare.cores:.2f} "
        f"cores, {f.bare.ms_per_poll:.2f} ms, {1000 * f.bare.round_trip:.0f} ms; client "
        f"{f.served.client_cores:.2f} cores polling, {f.moves_client_cores:.2f} over the card "
        f"changes{errors}"
    )


def summary(results: list[Figures], sizes: list[int]) -> None:
    def spread(values, fmt):
        values = sorted(values)
        return f"{fmt(statistics.median(values))} ({fmt(values[0])}-{fmt(values[-1])})"

    percent = lambda v: f"{100 * v:.1f} %"  # noqa: E731
    two = lambda v: f"{v:.2f}"  # noqa: E731
    whole = lambda v: f"{v:.0f}"  # noqa: E731
    print("\nper size, median over the rounds (min-max):")
    for size in sizes:
        mine = [f for f in results if f.size == size]
        print(
            f"{size:3d} phones: within {WITHIN:g} s "
            f"{spread([f.share_within for f in mine], percent)}; median latency "
            f"{spread([f.median_latency for f in mine], two)} s; p95 "
            f"{spread([f.p95_latency for f in mine], two)} s (move answered after "
            f"{spread([f.move_answered for f in mine], two)} s, poll told after "
            f"{spread([f.median_notice for f in mine], two)} s, card in hand "
            f"{spread([f.median_fetch for f in mine], two)} s later; cards with the poll "
            f"{spread([f.with_poll for f in mine], percent)}); server cores over the card "
            f"changes {spread([f.moves_cores for f in mine], two)}, polling "
            f"{spread([f.served.cores for f in mine], two)} (through Flask "
            f"{spread([f.through_flask.cores for f in mine], two)}, bare Flask endpoint "
            f"{spread([f.bare.cores for f in mine], two)}); ms per poll "
            f"{spread([f.served.ms_per_poll for f in mine], two)} (through Flask "
            f"{spread([f.through_flask.ms_per_poll for f in mine], two)}, bare "
            f"{spread([f.bare.ms_per_poll for f in mine], two)}); poll answered in "
            f"{spread([1000 * f.served.round_trip for f in mine], whole)} ms (bare "
            f"{spread([1000 * f.bare.round_trip for f in mine], whole)}); client cores over the card "
            f"changes {spread([f.moves_client_cores for f in mine], two)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,100,200", help="group sizes, measured in turn")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--moves", type=int, default=5, help="card changes per size and round")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of polling measured idle")
    parser.add_argument("--database-url", help="an empty scratch database (default: SQLite)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (DESIGN.md §6)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    args = parse_arguments(parser, smoke={"sizes": "5", "rounds": 1, "moves": 2, "idle": 1.0})
    args.sizes = sorted(int(s) for s in args.sizes.split(","))

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="lms-bench-group-") as tmp:
        folder = Path(tmp)
        print(f"preparing a run with {max(args.sizes)} participants ...", flush=True)
        run_id, participants = prepare(folder, args.database_url, max(args.sizes))
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
            env={
                **os.environ,
                "LMS_BENCH_DIR": str(folder),
                "LMS_BENCH_DATABASE_URL": args.database_url or "",
            },
        )  # fmt: skip
        try:
            wait_for(port, server)
            time.sleep(1.0)  # the workers are up
            cpu = ServerCpu(server.pid)
            results = asyncio.run(run_bench(args, port, run_id, participants, cpu))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    load_after = os.getloadavg()

    summary(results, args.sizes)
    database = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(
        f"\ngunicorn {args.workers} workers x {args.threads} threads (gthread), {database}; phones "
        f"poll every {EVERY:g} s +- {100 * JITTER:.0f} %; {args.rounds} rounds x {args.moves} card "
        f"changes per size; {os.cpu_count()} CPUs shared by server, client and the rest of the machine"
    )
    print(
        "load average (1, 5, 15 min) before: "
        + ", ".join(f"{v:.2f}" for v in load_before)
        + "; after: "
        + ", ".join(f"{v:.2f}" for v in load_after)
    )


if __name__ == "__main__":
    main()
