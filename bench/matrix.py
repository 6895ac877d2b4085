"""The competence matrix of one unit: 1,000 people × 50 competences with a year of evidence.

Prints the time to recompute everyone's requirement status (the nightly job), to build the matrix
(the SQL aggregation alone), and to render the matrix page and its XLSX export through the app, with
the number of queries each takes. Nothing here asserts a time; it prints figures.

    .venv/bin/python bench/matrix.py [--people 1000] [--competences 50] [--repeat 5]
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/matrix.py

Setup: SQLite in a temporary folder (or the given database, emptied first); a framework of
``--competences`` competences imported from Moodle CSV; one requirement per competence on the unit
(12 months, 60-day renewal window); each person holds 0-3 pieces of evidence per competence spread
over the last 365 days (about 1.5 per cell), so the matrix has met, expiring, expired and missing cells.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config  # noqa: E402

EMAIL = "leder@bench.example"
PASSWORD = "bench-passord-123"


def config(folder: Path) -> dict:
    return bench_config(folder, os.environ.get("LMS_BENCH_DATABASE_URL"), WTF_CSRF_ENABLED=False)


def framework_csv(n: int) -> bytes:
    from lms.competence.moodle_csv import CompetenceSpec, FrameworkSpec, ScaleSpec, write

    spec = FrameworkSpec(
        "BENCH",
        "Benk",
        {"nb": "Benk"},
        {"nb": ""},
        ScaleSpec([("Grunnleggende", False), ("Selvstendig", True), ("Avansert", True)]),
        "",
        [
            CompetenceSpec(f"B-{i:02}", "", {"nb": f"Kompetanse {i:02}"}, {"nb": ""}, [])
            for i in range(n)
        ],
    )
    return write(spec)


def build(people: int, competences: int) -> int:
    """Make the unit, people, framework, requirements and evidence; returns the unit's id."""
    from lms.accounts.services import set_password
    from lms.competence import services
    from lms.competence.models import Evidence, EvidenceKind, Requirement
    from lms.db import utcnow
    from lms.extensions import db
    from lms.organisation.models import Person, Role, RoleAssignment, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role

    rng = random.Random(7)
    unit = create_unit("Benk sykehjem", UnitKind.UNIT)
    manager = create_person("Benk Leder", email=EMAIL)
    set_password(manager, PASSWORD)
    grant_role(manager, unit, Role.MANAGER)
    db.session.execute(
        sa.insert(Person),
        [
            {
                "name": f"Person {i:04}",
                "uuid": f"00000000-0000-4000-8000-{i:012}",
                "job_title": rng.choice(["helsefagarbeider", "sykepleier", "assistent"]),
                "active": True,
            }
            for i in range(people)
        ],
    )
    ids = list(db.session.scalars(sa.select(Person.id).where(Person.email.is_(None))))
    db.session.execute(
        sa.insert(RoleAssignment),
        [{"person_id": pid, "unit_id": unit.id, "role": Role.STAFF} for pid in ids],
    )
    framework = services.import_framework(framework_csv(competences))
    db.session.execute(
        sa.insert(Requirement),
        [
            {
                "competence_id": c.id,
                "unit_id": unit.id,
                "min_level": 2,
                "mandatory": True,
                "validity_months": 12,
                "renewal_days": 60,
            }
            for c in framework.competences
        ],
    )
    now = utcnow()
    rows = []
    for pid in ids:
        for c in framework.competences:
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                rows.append(
                    {
                        "person_id": pid,
                        "competence_id": c.id,
                        "level": rng.choice((1, 2, 2, 3)),
                        "kind": EvidenceKind.MODULE,
                        "source": "bench",
                        "achieved_at": now - timedelta(days=rng.randrange(365)),
                        "note": "",
                    }
                )
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Evidence), rows[start : start + 5000])
    db.session.commit()
    services.refresh_expiring()
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    print(f"setup: {len(ids)} people, {competences} competences, {len(rows)} pieces of evidence")
    return unit.id


def timed(label: str, repeat: int, function, count_queries) -> None:
    times, queries = [], []
    for _ in range(repeat):
        counter = count_queries()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
        queries.append(counter())
    print(f"{label:<38} {spread([t * 1000 for t in times], 'ms', digits=1)}   {queries[-1]} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--competences", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parse_arguments(parser, smoke={"people": 20, "competences": 4, "repeat": 2})

    from lms import create_app
    from lms.competence import services
    from lms.extensions import db
    from lms.reports import services as reports

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(config(Path(tmp)))
        with app.app_context():
            db.drop_all()
            db.create_all()
            unit_id = build(args.people, args.competences)
            engine = db.engine

        state = {"n": 0}

        def count(*_args):
            state["n"] += 1

        sa.event.listen(engine, "before_cursor_execute", count)

        def count_queries():
            state["n"] = 0
            return lambda: state["n"]

        def refresh():
            with app.app_context():
                written = services.refresh_expiring()
                db.session.commit()
                assert written == (args.people + 1) * args.competences

        def aggregate():
            with app.app_context():
                m = reports.matrix({unit_id})
                assert len(m.rows) == args.people + 1 and len(m.columns) == args.competences

        client = app.test_client()
        client.post("/login", data={"email": EMAIL, "password": PASSWORD})

        def page():
            response = client.get(f"/reports/units/{unit_id}/matrix")
            assert response.status_code == 200, response.status_code

        def phone_list():
            response = client.get(f"/reports/units/{unit_id}/matrix?view=list")
            assert response.status_code == 200, response.status_code

        def xlsx():
            response = client.get(f"/reports/units/{unit_id}/matrix.xlsx")
            assert response.status_code == 200, response.status_code

        def dashboard():
            response = client.get(f"/reports/units/{unit_id}")
            assert response.status_code == 200, response.status_code

        print(f"database: {engine.dialect.name}")
        timed("refresh everyone's status (nightly)", 1, refresh, count_queries)
        timed("matrix aggregation (SQL + objects)", args.repeat, aggregate, count_queries)
        timed("matrix page, HTML", args.repeat, page, count_queries)
        timed("matrix page, phone list view", args.repeat, phone_list, count_queries)
        timed("matrix export, XLSX", max(1, args.repeat // 2), xlsx, count_queries)
        timed("unit dashboard", args.repeat, dashboard, count_queries)
        with app.app_context():
            db.drop_all()
            db.engine.dispose()
    print(load_average())


if __name__ == "__main__":
    main()
