"""Issuing credentials in the competence refresh, when many requirements are newly met.

One municipality with ``--competences`` competences required at level 2 (12 months' validity) of
``--people`` people, each holding a level-2 sign-off for about three in four of them, so that the
refresh (``lms.competence.services.refresh``) finds that many requirements met and issues a
credential (signed VC-JWT, status-list index, ``earned`` statement in the xAPI outbox) for each.

Each round first refreshes the same people while they hold every credential (the baseline: the
refresh with nothing to issue), then takes the credentials, their statements and the status-list
counter away and refreshes again, committing as the nightly job does. It prints the median and
spread of the rounds (wall clock and the process's own CPU time, which other work on a shared
machine disturbs less), the credentials issued, the time per credential and the ratio to the
baseline. ``--profile`` runs one more issuing refresh under cProfile and prints where its time
went. Nothing here asserts a time; it prints figures.

    .venv/bin/python bench/credential_issuing.py [--people 600] [--competences 20] [--rounds 3]
        [--database-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.matrix import _people, empty, framework_csv, require_of_everyone  # noqa: E402
from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config  # noqa: E402


def build(people: int, competences: int) -> list[int]:
    """The municipality, its people, requirements and sign-offs; the people's ids."""
    from lms.competence import services
    from lms.competence.models import Evidence, EvidenceKind
    from lms.db import utcnow
    from lms.extensions import db
    from lms.organisation.models import UnitKind
    from lms.organisation.services import create_unit

    rng = random.Random(7)
    municipality = create_unit("Benkvik kommune", UnitKind.MUNICIPALITY)
    unit = create_unit("Benk sykehjem", UnitKind.UNIT, municipality)
    framework = services.import_framework(framework_csv(competences))
    competence_ids = [c.id for c in framework.competences]
    require_of_everyone(municipality.id, competence_ids)
    ids = _people(unit.id, people, 0, rng)
    now = utcnow()
    rows = [
        {
            "person_id": pid,
            "competence_id": cid,
            "level": 2,
            "kind": EvidenceKind.SIGN_OFF,
            "source": "bench",
            "achieved_at": now - timedelta(days=rng.randrange(200)),
            "note": "",
        }
        for pid in ids
        for cid in competence_ids
        if rng.random() < 0.75
    ]
    db.session.execute(sa.insert(Evidence), rows)
    db.session.commit()
    return ids


def forget_credentials() -> None:
    """Take away what issuing wrote, so the next refresh issues everything anew."""
    from lms.credentials.models import Credential, StatusListCounter
    from lms.extensions import db
    from xapi.outbox import outbox

    db.session.execute(sa.delete(outbox))
    db.session.execute(sa.delete(Credential))
    db.session.execute(sa.delete(StatusListCounter))
    db.session.commit()
    db.session.expunge_all()


def credentials() -> int:
    from lms.credentials.models import Credential
    from lms.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(Credential))


def timed_refresh(ids: list[int]) -> tuple[float, float]:
    """One refresh of ``ids`` and its commit: seconds of wall clock and of the process's CPU."""
    from lms.competence import services
    from lms.extensions import db

    began, began_cpu = time.perf_counter(), time.process_time()
    services.refresh(ids)
    db.session.commit()
    elapsed = time.perf_counter() - began, time.process_time() - began_cpu
    db.session.expunge_all()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=600)
    parser.add_argument("--competences", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("LMS_BENCH_DATABASE_URL"))
    parser.add_argument("--profile", action="store_true", help="one more round under cProfile")
    args = parse_arguments(parser, smoke={"people": 10, "competences": 3, "rounds": 3})

    from lms import create_app
    from lms.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(bench_config(Path(tmp), args.database_url))
        with app.app_context():
            empty()
            db.create_all()
            ids = build(args.people, args.competences)
            print(f"database: {db.engine.dialect.name}")
            timed_refresh(ids)
            issued = credentials()
            print(f"setup: {args.people} people, {args.competences} competences; {issued} credentials")
            wall: dict[str, list[float]] = {"baseline": [], "issuing": []}
            cpu: dict[str, list[float]] = {"baseline": [], "issuing": []}
            for _ in range(args.rounds):
                for name in ("baseline", "issuing"):
                    if name == "issuing":
                        forget_credentials()
                    seconds, cpu_seconds = timed_refresh(ids)
                    wall[name].append(seconds)
                    cpu[name].append(cpu_seconds)
                assert credentials() == issued, "each round issues the same credentials"
            for name, label in (
                ("baseline", "refresh, every credential held (baseline)"),
                ("issuing", f"refresh issuing {issued} credentials"),
            ):
                ratios = [t / b for t, b in zip(wall[name], wall["baseline"], strict=True)]
                print(
                    f"{label:<44} {spread(wall[name], 's', digits=2)}   "
                    f"CPU {statistics.median(cpu[name]):.2f} s   x{statistics.median(ratios):.1f} "
                    "of baseline"
                )
            extra = [i - b for i, b in zip(wall["issuing"], wall["baseline"], strict=True)]
            print(
                f"issuing alone (issuing - baseline, per credential): "
                f"{spread([e / issued * 1000 for e in extra], 'ms', digits=2)}"
            )
            if args.profile:
                forget_credentials()
                profile = cProfile.Profile()
                profile.enable()
                timed_refresh(ids)
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            db.session.remove()
            empty()
            db.engine.dispose()
    print(load_average())


if __name__ == "__main__":
    main()
