"""The card statistics page (``/insights/versions/<id>``) as the answers grow, against a bare Flask
endpoint in the same process: milliseconds per request for each size, and the ratio to the bare one.

The counts are aggregated in SQL (a fixed number of queries, asserted in
``tests/insights/test_card_statistics.py``), so the page should grow with the number of answers only
as the database's GROUP BY does. Nothing here asserts a time; it prints figures.

    .venv/bin/python bench/card_statistics.py [--learners 100 1000 10000] [--requests 20] [--rounds 3]

Setup: SQLite in a temporary folder, the test module ``alle-korttyper`` installed and published, a
unit of ``learners`` people who each completed it with four answers (single choice, true/false, poll,
reflection), and the module's owner signed in through the Flask test client. The rounds interleave
the bare endpoint and each size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.runs import parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "modules" / "alle-korttyper"
PASSWORD = "bench-passord-123"


def prepare(folder: Path, learners: int):
    """A database with ``learners`` completed attempts; returns the app, the owner's client and the
    statistics page's URL."""
    import sqlalchemy as sa

    from lms import create_app
    from lms.accounts.services import set_password
    from lms.content import services as content
    from lms.content.models import LearningModule
    from lms.db import utcnow
    from lms.extensions import db
    from lms.learning.models import Answer, Attempt
    from lms.organisation.models import Person, Role, RoleAssignment, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role
    from lms.testing import FormClient

    app = create_app(bench_config(folder))
    app.test_client_class = FormClient
    with app.app_context():
        db.create_all()
        unit = create_unit("Benkvik sykehjem", UnitKind.UNIT)
        owner = create_person("Eier", email="eier@example.no")
        set_password(owner, PASSWORD)
        grant_role(owner, unit, Role.MANAGER)
        version, _ = content.install(FIXTURE, "bench", publish=True)
        db.session.get(LearningModule, version.module_id).owner_id = owner.id
        now = utcnow()
        people = [{"name": f"P{i}", "email": f"p{i}@example.no"} for i in range(learners)]
        db.session.execute(sa.insert(Person), people)
        ids = db.session.scalars(sa.select(Person.id).where(Person.email.like("p%@example.no")))
        ids = list(ids)
        roles = [{"person_id": i, "unit_id": unit.id, "role": Role.STAFF} for i in ids]
        db.session.execute(sa.insert(RoleAssignment), roles)
        attempts = [
            {
                "uuid": f"{i:036d}",
                "person_id": i,
                "module_id": version.module_id,
                "version_id": version.id,
                "completed_at": now,
                "started_at": now,
                "updated_at": now,
            }
            for i in ids
        ]
        db.session.execute(sa.insert(Attempt), attempts)
        attempt_ids = list(db.session.scalars(sa.select(Attempt.id)))
        answers = []
        for n, attempt_id in enumerate(attempt_ids):
            right = n % 3 == 0
            for card_id, response, score in (
                ("enkelt", ["b"] if right else ["a"], 1.0 if right else 0.0),
                ("sant", False, 1.0),
                ("mening", "daglig", None),
                ("tanker", "privat", None),
            ):
                answers.append(
                    {
                        "attempt_id": attempt_id,
                        "card_id": card_id,
                        "client_id": f"{attempt_id}-{card_id}",
                        "response": response,
                        "score": score,
                        "answered_at": now,
                    }
                )
        db.session.execute(sa.insert(Answer), answers)
        db.session.commit()
        url = f"/insights/versions/{version.id}"
    client = app.test_client()
    client.submit("/login", {"email": "eier@example.no", "password": PASSWORD})
    assert client.get(url).status_code == 200
    return app, client, url


def bare_client():
    from flask import Flask

    bare = Flask("bare")
    bare.add_url_rule("/", "page", lambda: "<!doctype html><title>Bare</title><p>Et lite svar.</p>")
    return bare.test_client()


def per_request_ms(client, url: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
        assert response.status_code == 200
    return (time.perf_counter() - started) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parse_arguments(parser, {"learners": [5, 20], "requests": 2, "rounds": 1})
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-stats-"))
    pages = {n: prepare(folder / str(n), n) for n in args.learners}
    bare = bare_client()
    timings: dict[str, list[float]] = {"bare": []} | {str(n): [] for n in args.learners}
    for _round in range(args.rounds):
        timings["bare"].append(per_request_ms(bare, "/", args.requests))
        for n, (_app, client, url) in pages.items():
            timings[str(n)].append(per_request_ms(client, url, args.requests))
    print(f"bare Flask endpoint: {spread(timings['bare'], 'ms', 2)}")
    baseline = statistics.median(timings["bare"])
    for n in args.learners:
        values = timings[str(n)]
        median = statistics.median(values)
        print(
            f"statistics page, {n} learners ({4 * n} answers): {spread(values, 'ms', 1)}; "
            f"{median / baseline:.0f}x the bare endpoint"
        )


if __name__ == "__main__":
    main()
