"""The competence matrix and the overview above it, at the size of a municipality.

One municipality with ``--competences`` competences required of everyone (12 months' validity,
60-day renewal window), each person holding 0-3 pieces of evidence per competence spread over the
last 365 days (about 1.4 per cell: met, expiring, expired and missing cells):

- a unit of ``--people`` people (the matrix pages: first page as a table and as the phone list,
  a filtered page, a later page);
- a service area of ``--units`` units sharing ``--overview-people`` people (the overview page);
- the rest of ``--total-people`` in one more unit, so the municipality's XLSX export holds them all.

The people, roles, requirements and evidence are inserted in bulk, past the services; then the
nightly refresh (``refresh_expiring``) computes everyone's requirement status and rebuilds the
matrix's kept cells (``lms.competence.cells``), as it does in production.

Each round takes every measurement once, in turn, after a bare baseline (``/healthz`` through the
same signed-in test client); it prints the median and spread of the rounds (wall clock, and the
process's own CPU time, which other work on a shared machine disturbs less; the database server's
time is not in it), the queries and bytes of each page, and the ratio to the baseline. The XLSX
export's memory is measured with tracemalloc (peak of Python allocations while the response
streams) for the unit and for the municipality.
Nothing here asserts a time; it prints figures.

    .venv/bin/python bench/matrix.py [--people 1000] [--units 50] [--overview-people 5000]
        [--total-people 10000] [--competences 50] [--rounds 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config  # noqa: E402

EMAIL = "leder@bench.example"
PASSWORD = "bench-passord-123"
BATCH = 200
"""People whose evidence is made and inserted at a time."""


def framework_csv(n: int) -> bytes:
    from lms.competence.moodle_csv import CompetenceSpec, FrameworkSpec, ScaleSpec, write

    spec = FrameworkSpec(
        "BENCH",
        "Benk",
        {"nb": "Benk"},
        {"nb": ""},
        ScaleSpec(
            [({"nb": "Grunnleggende"}, False), ({"nb": "Selvstendig"}, True), ({"nb": "Avansert"}, True)]
        ),
        "",
        [
            CompetenceSpec(f"B-{i:02}", "", {"nb": f"Kompetanse {i:02}"}, {"nb": ""}, [])
            for i in range(n)
        ],
    )
    return write(spec)


def _people(unit_id: int, n: int, start: int, rng: random.Random) -> list[int]:
    from lms.extensions import db
    from lms.organisation.models import Person, Role, RoleAssignment

    if n <= 0:
        return []
    uuids = [f"00000000-0000-4000-8000-{i:012}" for i in range(start, start + n)]
    db.session.execute(
        sa.insert(Person),
        [
            {
                "name": f"Person {i:05}",
                "uuid": uuid,
                "job_title": rng.choice(["helsefagarbeider", "sykepleier", "assistent"]),
                "active": True,
            }
            for i, uuid in zip(range(start, start + n), uuids, strict=True)
        ],
    )
    ids = list(db.session.scalars(sa.select(Person.id).where(Person.uuid.in_(uuids))))
    db.session.execute(
        sa.insert(RoleAssignment),
        [{"person_id": pid, "unit_id": unit_id, "role": Role.STAFF} for pid in ids],
    )
    return ids


def _evidence(ids: list[int], competence_ids: list[int], rng: random.Random) -> int:
    from lms.competence.models import Evidence, EvidenceKind
    from lms.db import utcnow
    from lms.extensions import db

    now, made = utcnow(), 0
    for start in range(0, len(ids), BATCH):
        rows = [
            {
                "person_id": pid,
                "competence_id": cid,
                "level": rng.choice((1, 2, 2, 3)),
                "kind": EvidenceKind.MODULE,
                "source": "bench",
                "achieved_at": now - timedelta(days=rng.randrange(365)),
                "note": "",
            }
            for pid in ids[start : start + BATCH]
            for cid in competence_ids
            for _ in range(rng.choice((0, 1, 1, 2, 3)))
        ]
        if rows:
            db.session.execute(sa.insert(Evidence), rows)
        made += len(rows)
    return made


def require_of_everyone(unit_id: int, competence_ids: list[int]) -> None:
    """Each competence required at level 2 of everyone in ``unit_id``, for 12 months (60 days'
    renewal window), inserted in bulk."""
    from lms.competence.models import Requirement
    from lms.extensions import db

    db.session.execute(
        sa.insert(Requirement),
        [
            {
                "competence_id": cid,
                "unit_id": unit_id,
                "min_level": 2,
                "mandatory": True,
                "validity_months": 12,
                "renewal_days": 60,
            }
            for cid in competence_ids
        ],
    )


def build(args) -> dict[str, int]:
    """The municipality, its units, people, requirements and evidence; the ids the bench opens."""
    from lms.accounts.services import set_password
    from lms.competence import services
    from lms.extensions import db
    from lms.organisation.models import Role, UnitKind
    from lms.organisation.services import create_person, create_unit, grant_role

    rng = random.Random(7)
    municipality = create_unit("Benkvik kommune", UnitKind.MUNICIPALITY)
    area = create_unit("Helse og omsorg", UnitKind.SERVICE_AREA, municipality)
    others = create_unit("Andre tjenester", UnitKind.SERVICE_AREA, municipality)
    unit = create_unit("Benk sykehjem", UnitKind.UNIT, others)
    rest = create_unit("Resten", UnitKind.UNIT, others)
    leader = create_person("Benk Leder", email=EMAIL)
    set_password(leader, PASSWORD)
    grant_role(leader, municipality, Role.ADMIN)
    framework = services.import_framework(framework_csv(args.competences))
    competence_ids = [c.id for c in framework.competences]
    require_of_everyone(municipality.id, competence_ids)
    made = 0
    ids = _people(unit.id, args.people, 0, rng)
    made += _evidence(ids, competence_ids, rng)
    start = args.people
    per_unit = args.overview_people // args.units
    for n in range(args.units):
        small = create_unit(f"Enhet {n:02}", UnitKind.UNIT, area)
        ids = _people(small.id, per_unit, start, rng)
        made += _evidence(ids, competence_ids, rng)
        start += per_unit
    ids = _people(rest.id, max(0, args.total_people - start), start, rng)
    made += _evidence(ids, competence_ids, rng)
    db.session.commit()
    began = time.perf_counter()
    services.refresh_expiring()
    db.session.commit()
    refresh = time.perf_counter() - began
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    print(
        f"setup: {args.total_people} people ({args.people} in the unit, {per_unit * args.units} in "
        f"{args.units} units of the area), {args.competences} competences, {made} pieces of "
        f"evidence; everyone's status and cells refreshed in {refresh:.1f} s"
    )
    return {"unit": unit.id, "area": area.id, "municipality": municipality.id}


def empty() -> None:
    """Drop every table (units first lose their parents: the foreign key is RESTRICT)."""
    from lms.extensions import db
    from lms.organisation.models import Unit

    if sa.inspect(db.engine).has_table(Unit.__tablename__):
        db.session.execute(sa.update(Unit).values(parent_id=None))
        db.session.commit()
    db.drop_all()


class Counter:
    """Counts the statements run on the engine."""

    def __init__(self, engine) -> None:
        self.n = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.n += 1


def measure(rounds: int, cases: dict[str, Callable[[], int]], counter: Counter) -> None:
    """Each round: every case once, in turn (the baseline first); then each case's median and
    spread, queries and bytes, and its ratio to the baseline round by round."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    sizes: dict[str, int] = {}
    queries: dict[str, int] = {}
    for _ in range(rounds):
        for name, case in cases.items():
            counter.n = 0
            began, began_cpu = time.perf_counter(), time.process_time()
            sizes[name] = case()
            times[name].append((time.perf_counter() - began) * 1000)
            cpu[name].append((time.process_time() - began_cpu) * 1000)
            queries[name] = counter.n
    baseline = next(iter(cases))
    for name in cases:
        ratios = [t / b for t, b in zip(times[name], times[baseline], strict=True)]
        print(
            f"{name:<40} {spread(times[name], 'ms', digits=1)}   "
            f"CPU {statistics.median(cpu[name]):.1f} ms   {queries[name]} queries, "
            f"{sizes[name] / 1024:.0f} KiB, x{statistics.median(ratios):.0f} of baseline"
        )


def export_memory(client, url: str) -> tuple[float, float, int]:
    """The XLSX export of ``url`` streamed and thrown away: seconds, peak MiB traced, bytes."""
    tracemalloc.start()
    began = time.perf_counter()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000, help="people in the matrix's unit")
    parser.add_argument("--units", type=int, default=50, help="units in the overview's area")
    parser.add_argument("--overview-people", type=int, default=5000, help="people in the area")
    parser.add_argument("--total-people", type=int, default=10000, help="people in all")
    parser.add_argument("--competences", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("LMS_BENCH_DATABASE_URL"))
    args = parse_arguments(
        parser,
        smoke={
            "people": 20,
            "units": 3,
            "overview_people": 30,
            "total_people": 60,
            "competences": 4,
            "rounds": 3,
        },
    )
    args.total_people = max(args.total_people, args.people + args.overview_people)

    from lms import create_app
    from lms.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(Path(tmp), args.database_url, WTF_CSRF_ENABLED=False)
        app = create_app(config)
        with app.app_context():
            empty()
            db.create_all()
            ids = build(args)
            counter = Counter(db.engine)
            dialect = db.engine.dialect.name
        client = app.test_client()
        client.post("/login", data={"email": EMAIL, "password": PASSWORD})

        def get(url: str) -> Callable[[], int]:
            def fetch() -> int:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return len(response.data)

            return fetch

        unit, area = ids["unit"], ids["area"]
        matrix = f"/reports/units/{unit}/matrix"
        print(f"database: {dialect}")
        measure(
            args.rounds,
            {
                "baseline: /healthz, same client": get("/healthz"),
                f"matrix, first page ({args.people} people)": get(matrix),
                "matrix, first page, phone list": get(matrix + "?view=list"),
                "matrix, page 10": get(matrix + "?page=10"),
                "matrix, filtered: expired, a name": get(matrix + "?state=EXPIRED&q=person+0"),
                f"overview of {args.units} units": get(f"/reports/units/{area}/overview"),
                "unit dashboard": get(f"/reports/units/{unit}"),
            },
            counter,
        )
        for label, unit_id, people in (
            ("unit", unit, args.people),
            ("municipality", ids["municipality"], args.total_people),
        ):
            seconds, peak, size = export_memory(client, f"/reports/units/{unit_id}/matrix.xlsx")
            print(
                f"XLSX export, {label} ({people} people): {seconds:.1f} s under tracemalloc, "
                f"peak {peak:.1f} MiB traced, {size / 2**20:.1f} MiB written (1 round)"
            )
        with app.app_context():
            empty()
            db.engine.dispose()
    print(load_average())


if __name__ == "__main__":
    main()
