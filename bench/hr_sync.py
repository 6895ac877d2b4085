"""The HR sync of people through the API: seconds for the first sync of 5,000 people (everyone is
created) and for the second, identical one (nothing changes), with the statements each ran.

    .venv/bin/python bench/hr_sync.py [--people 5000] [--units 50] [--repeat 3] [--database-url URL]

Without ``--database-url`` the platform runs on a fresh SQLite file in a temporary instance folder;
with one (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/hr_bench``, an empty database of its
own) on that database, whose tables it drops and re-creates. The key comes from ``lms.api.keys``;
the requests go through the app's WSGI interface in this process (JSON encoding and checking
included), one ``PUT /api/v1/people`` with every person. Each person holds one role on one of
``--units`` units; one in ten has a second role. The second sync is repeated ``--repeat`` times on
the same data. Nothing here asserts a time; it prints figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config  # noqa: E402


def payload(people: int, units: int) -> dict:
    records = []
    for n in range(people):
        roles = [{"unit_external_id": f"U{n % units}", "role": "staff"}]
        if n % 10 == 0:
            roles.append({"unit_external_id": f"U{(n + 1) % units}", "role": "facilitator"})
        records.append(
            {
                "external_id": f"H{n:06}",
                "name": f"Person {n:06}",
                "email": f"person{n}@bench.example",
                "phone": f"+47 9{n:07}",
                "job_title": ("sykepleier", "helsefagarbeider", "assistent")[n % 3],
                "active": True,
                "roles": roles,
            }
        )
    return {"people": records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parse_arguments(parser, smoke={"people": 30, "units": 3, "repeat": 2})

    from lms import create_app
    from lms.api import keys
    from lms.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(bench_config(Path(tmp), args.database_url))
        with app.app_context():
            db.drop_all()
            db.create_all()
            _key, text = keys.create_key("Bench", ["units:write", "people:write"])
            db.session.commit()
            engine = db.engine
        headers = {"Authorization": f"Bearer {text}"}
        client = app.test_client()
        units = [
            {"external_id": f"U{n}", "name": f"Enhet {n:03}", "kind": "unit", "parent_external_id": "K"}
            for n in range(args.units)
        ]
        units.insert(0, {"external_id": "K", "name": "Benkvik kommune", "kind": "municipality"})
        assert client.put("/api/v1/units", json={"units": units}, headers=headers).status_code == 200
        body = payload(args.people, args.units)

        statements = {"n": 0}

        def count(*_args):
            statements["n"] += 1

        sa.event.listen(engine, "before_cursor_execute", count)

        def sync() -> tuple[float, int, dict]:
            statements["n"] = 0
            start = time.perf_counter()
            response = client.put("/api/v1/people", json=body, headers=headers)
            seconds = time.perf_counter() - start
            assert response.status_code == 200, response.get_json()
            return seconds, statements["n"], response.get_json()

        print(f"database: {engine.dialect.name}; {args.people} people on {args.units} units")
        seconds, n, summary = sync()
        print(f"first sync   {seconds:.2f} s (1 round)   {n:4} statements   {summary}")
        runs = [sync() for _ in range(args.repeat)]
        assert all(r[2]["unchanged"] == args.people for r in runs)
        times = [r[0] for r in runs]
        print(
            f"second sync  {spread(times, 's', digits=2)}   {runs[-1][1]:4} statements   {runs[-1][2]}"
        )
        with app.app_context():
            db.engine.dispose()
    print(load_average())


if __name__ == "__main__":
    main()
