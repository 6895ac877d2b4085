"""Does the built-in LRS stay fast as it grows? Posts statements in batches to the LRS served by
gunicorn on 127.0.0.1 and prints statements per second as the store fills (the rate must not fall),
then the latency of the common queries (by agent, by activity, by verb, since) at the end.

    .venv/bin/python bench/lrs_ingest.py [--statements 100000] [--batch 100] [--database-url URL]

Without ``--database-url`` the platform runs on a fresh SQLite file in a temporary instance folder;
with one (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/lrs_bench``, an empty database of its
own) on that database, whose tables it drops and re-creates. Either way the schema comes from the
migrations (``lms db upgrade``) and the key from ``lms lrs create-key``; gunicorn serves
``lms:create_app()`` with ``--workers`` workers of 4 threads, and one client posts one batch at a
time over a kept-alive connection.

The statements look like the platform's own: 500 learners, 200 activities (with definitions), 5
verbs, a registration per learner, context activities (parent and category), a result; about one in
a hundred is a voiding statement. Nothing here asserts a time; it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.runs import load_average, parse_arguments, percentile, spread  # noqa: E402
from bench.support.serving import free_port  # noqa: E402

VERBS = [
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/experienced",
]
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
BASE = "http://127.0.0.1:5000/xapi/activities"


class Statements:
    """Platform-like statements, deterministic per seed."""

    def __init__(self, seed: int = 7):
        self.random = random.Random(seed)
        self.learners = [f"learner{n}" for n in range(500)]
        self.registrations = {
            name: str(uuid.UUID(int=self.random.getrandbits(128), version=4)) for name in self.learners
        }
        self.activities = [f"{BASE}/module/m{n // 20}/card/c{n}" for n in range(200)]
        self.recent: list[str] = []
        self.t0 = datetime(2026, 1, 1, tzinfo=UTC)
        self.n = 0

    def agent(self, name: str) -> dict:
        return {"objectType": "Agent", "name": name, "mbox": f"mailto:{name}@example.com"}

    def next(self) -> dict:
        self.n += 1
        name = self.random.choice(self.learners)
        if self.recent and self.n % 100 == 0:
            return {
                "id": str(uuid.uuid4()),
                "actor": self.agent(name),
                "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
                "object": {"objectType": "StatementRef", "id": self.recent.pop()},
            }
        activity = self.random.choice(self.activities)
        verb = self.random.choice(VERBS)
        statement = {
            "id": str(uuid.uuid4()),
            "actor": self.agent(name),
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[1]}},
            "object": {
                "objectType": "Activity",
                "id": activity,
                "definition": {
                    "name": {"nb-NO": f"Kort {activity.rsplit('c', 1)[1]}"},
                    "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                    "interactionType": "choice",
                    "choices": [{"id": "a", "description": {"nb-NO": "A"}}],
                    "correctResponsesPattern": ["a"],
                },
            },
            "result": {"response": "a", "success": True, "duration": "PT12S"},
            "context": {
                "registration": self.registrations[name],
                "contextActivities": {
                    "parent": [{"id": activity.rsplit("/card/", 1)[0]}],
                    "category": [{"id": "http://example.com/profiles/laerevakt"}],
                },
                "platform": "Lærevakt",
                "language": "nb-NO",
            },
            "timestamp": (self.t0 + timedelta(seconds=self.n)).isoformat().replace("+00:00", "Z"),
        }
        if self.random.random() < 0.02:
            self.recent.append(statement["id"])
        return statement


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by gunicorn (its master and workers): unlike the wall-clock rate,
    barely moved by other work on the machine. Linux only; 0.0 elsewhere."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for process in [str(pid), *children]:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    except OSError:
        return 0.0
    return total


def lms(instance: Path, env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lms")), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"lms {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def analyse_if_nobody_does(url: str) -> None:
    """PostgreSQL plans by its statistics, which autovacuum keeps current. A server with autovacuum
    off (as test servers often are) never gathers them for the freshly loaded tables: ANALYZE
    them then, as autovacuum would have."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if connection.execute(sa.text("SHOW autovacuum")).scalar() == "off":
            for table in ("statement", "statement_agent", "statement_activity"):
                connection.execute(sa.text(f"ANALYZE xapi_lrs_{table}"))
            print("\n(autovacuum is off on this server: ANALYZE run on the LRS tables, as it would)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--every", type=int, default=10_000, help="print the rate every N statements")
    parser.add_argument("--queries", type=int, default=20, help="repetitions of each query")
    options = parse_arguments(
        parser, smoke={"statements": 400, "batch": 50, "every": 200, "queries": 2, "workers": 1}
    )
    with tempfile.TemporaryDirectory(prefix="lrs-bench-") as instance:
        serve_and_run(options, Path(instance))
    print(load_average())


def serve_and_run(options, instance: Path) -> None:
    """Make the LRS's database and key, serve it with gunicorn and run the bench against it."""
    env = {**os.environ, "LMS_INSTANCE_PATH": str(instance), "PYTHONPATH": str(ROOT)}
    if options.database_url:
        reset_postgres(options.database_url)
        env["LMS_DATABASE_URL"] = options.database_url
    lms(instance, env, "db", "upgrade")
    key, secret = (
        lms(instance, env, "lrs", "create-key", "bench", "--scope", "all").splitlines()[0].split(":", 1)
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(options.workers),
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "lms:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        run(options, f"http://127.0.0.1:{port}/xapi", key, secret, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def run(options, endpoint: str, key: str, secret: str, pid: int) -> None:
    http = requests.Session()
    http.auth = (key, secret)
    http.headers["X-Experience-API-Version"] = "1.0.3"
    for _ in range(300):
        try:
            if http.get(f"{endpoint}/about", timeout=10).ok:
                break
        except requests.RequestException:
            time.sleep(0.2)
    for _ in range(20):  # warm both workers up (first requests compile queries, check the key)
        http.get(f"{endpoint}/statements", params={"limit": 1}, timeout=60)
    database = options.database_url.split("://")[0] if options.database_url else "sqlite"
    print(f"database: {database}; {options.statements} statements in batches of {options.batch}")
    print(
        f"{'stored':>9}  {'statements/s':>12}  {'p50 batch ms':>12}  {'p95 batch ms':>12}  "
        f"{'server CPU ms/batch':>19}"
    )
    made = Statements()
    since_mark = None
    window_started, window_count, window_latencies = time.perf_counter(), 0, []
    window_cpu = server_cpu(pid)
    rates, cpus = [], []
    for sent in range(0, options.statements, options.batch):
        batch = [made.next() for _ in range(min(options.batch, options.statements - sent))]
        started = time.perf_counter()
        response = http.post(f"{endpoint}/statements", json=batch, timeout=60)
        window_latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"batch at {sent}: {response.status_code} {response.text[:300]}")
        window_count += len(batch)
        stored = sent + len(batch)
        if stored == options.statements - options.statements // 10:
            since_mark = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        if stored % options.every == 0 or stored == options.statements:
            elapsed = time.perf_counter() - window_started
            rate = window_count / elapsed
            rates.append(rate)
            latencies = window_latencies
            p95 = percentile(latencies, 0.95)
            cpu_now = server_cpu(pid)
            cpu = (cpu_now - window_cpu) * 1000 / len(latencies)
            cpus.append(cpu)
            print(
                f"{stored:>9}  {rate:>12.0f}  {statistics.median(latencies):>12.1f}  {p95:>12.1f}  "
                f"{cpu:>19.1f}"
            )
            window_started, window_count, window_latencies = time.perf_counter(), 0, []
            window_cpu = cpu_now
    print(
        f"rate first window {rates[0]:.0f}/s, last window {rates[-1]:.0f}/s "
        f"({rates[-1] / rates[0]:.2f} of the first); server CPU per batch first {cpus[0]:.1f} ms, "
        f"last {cpus[-1]:.1f} ms"
    )
    print(f"rate over the windows: {spread(rates, 'statements/s')}; {load_average()}")

    if options.database_url:
        analyse_if_nobody_does(options.database_url)
    learner = made.agent("learner42")
    queries = {
        "by agent": {"agent": json.dumps({"mbox": learner["mbox"]})},
        "by activity": {"activity": made.activities[17]},
        "by verb": {"verb": VERBS[1]},
        "since (last 10%)": {"since": since_mark},
        "agent+verb": {"agent": json.dumps({"mbox": learner["mbox"]}), "verb": VERBS[1]},
        "related activity (parent)": {
            "activity": made.activities[17].rsplit("/card/", 1)[0],
            "related_activities": "true",
        },
        "registration": {"registration": made.registrations["learner42"]},
        "no filter": {},
    }
    print(f"\nqueries at {options.statements} stored (limit 100; {options.queries} runs each; ms)")
    print(f"{'query':<28} {'found':>6} {'p50':>8} {'p95':>8} {'more page p50':>14}")
    for label, params in queries.items():
        times, more_times, found = [], [], 0
        for _ in range(options.queries):
            started = time.perf_counter()
            response = http.get(f"{endpoint}/statements", params={**params, "limit": 100}, timeout=60)
            times.append((time.perf_counter() - started) * 1000)
            if not response.ok:
                sys.exit(f"query {label}: {response.status_code} {response.text[:300]}")
            body = response.json()
            found = len(body["statements"])
            if body["more"]:
                started = time.perf_counter()
                http.get(f"{endpoint.rsplit('/xapi', 1)[0]}{body['more']}", timeout=60)
                more_times.append((time.perf_counter() - started) * 1000)
        p95 = percentile(times, 0.95)
        more = f"{statistics.median(more_times):.1f}" if more_times else "-"
        print(f"{label:<28} {found:>6} {statistics.median(times):>8.1f} {p95:>8.1f} {more:>14}")


if __name__ == "__main__":
    main()
