"""How fast the outbox drains to an LRS, against how fast that LRS takes the same statements posted
to it directly over HTTP: statements per second for each, and the ratio drain/direct.

The budget (DESIGN.md §6): the outbox drains at ≥ 0.9× what the LRS itself accepts over HTTP. Nothing
here asserts a time; it prints figures.

    .venv/bin/python bench/outbox_drain.py [--statements 5000] [--batch 100] [--rounds 3] [--no-builtin]

Two LRSs, each served on 127.0.0.1 and reached over HTTP in both phases of a round, the same
statements in the same batches in each phase, a fresh LRS (empty store) for each phase:

- Ralph (an external LRS, from ``.venv-ralph``: ``scripts/ensure-ralph``), its file backend.
- The built-in LRS (``xapi/lrs``) of the platform served by gunicorn (2 workers × 4 threads) on a
  fresh SQLite database with a key of its own.

direct: ``xapi.client.HttpLRS`` posts the statements in batches. drain: the statements are recorded
into the outbox of another fresh SQLite database (not timed), then ``deliver_outbox`` sends them to
that LRS's HTTP endpoint (timed). The rounds alternate direct and drain.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.ralph import Ralph  # noqa: E402
from bench.support.runs import load_average, parse_arguments, spread  # noqa: E402
from bench.support.serving import bench_config, free_port  # noqa: E402
from lms.tracking.profile import Profile  # noqa: E402
from xapi.client import HttpLRS  # noqa: E402

BASE_URL = "http://127.0.0.1"
T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


@dataclass(frozen=True)
class ServedLRS:
    """An LRS listening on 127.0.0.1, and a check that it stored ``count`` statements once each."""

    endpoint: str
    key: str
    secret: str
    check_stored: Callable[[int], None]


def make_statements(count: int) -> list[dict]:
    """Statements like the platform's: a learner answering the cards of a module."""
    profile = Profile(BASE_URL)
    learner, registration = str(uuid.uuid4()), str(uuid.uuid4())
    context = profile.module_context(
        registration=registration,
        module_id="benk",
        version="1.0.0",
        content_hash="sha256:" + "0" * 64,
        language="nb",
        parent=True,
    )
    made = []
    for n in range(count):
        card = profile.card_activity(
            "benk",
            f"kort-{n}",
            {"nb": f"Kort {n}"},
            {"choices": [{"id": "a", "description": {"nb-NO": "A"}}], "correctResponsesPattern": ["a"]},
            "choice",
        )
        made.append(
            profile.statement(
                learner,
                "answered",
                card,
                at=T0 + timedelta(milliseconds=n),
                context=context,
                result={"response": "a", "success": True},
            )
        )
    return made


def config(folder: Path, **extra) -> dict:
    """The platform's settings: no LRS to deliver to unless ``extra`` names one."""
    return bench_config(folder, **{"BASE_URL": BASE_URL, "LRS_ENDPOINT": None, **extra})


def post_direct(lrs: HttpLRS, statements: list[dict], batch: int) -> float:
    """Post every statement in batches; returns statements per second."""
    began = time.perf_counter()
    for start in range(0, len(statements), batch):
        result = lrs.post_statements(statements[start : start + batch])
        if not result.ok:
            raise SystemExit(f"direct post refused: {result.status} {result.error}")
    return len(statements) / (time.perf_counter() - began)


def drain(folder: Path, statements: list[dict], batch: int, **lrs_config) -> float:
    """Record the statements into a fresh outbox (not timed), then deliver until it is empty (timed)."""
    from lms import create_app
    from lms.extensions import db
    from lms.tracking.services import deliver_outbox
    from xapi import outbox
    from xapi.delivery import DeliverySettings

    app = create_app(config(folder, **lrs_config))
    with app.app_context():
        db.create_all()
        for statement in statements:
            outbox.record(db.session, statement, now=T0)
        db.session.commit()
        settings = DeliverySettings(batch_size=batch, max_batches=len(statements) // batch + 1)
        began = time.perf_counter()
        report = deliver_outbox(settings)
        elapsed = time.perf_counter() - began
        state = outbox.status(db.session)
        db.session.remove()
        db.engine.dispose()
    if state.pending or state.dead or report.sent != len(statements):
        raise SystemExit(f"the drain did not deliver everything: {report}, {state}")
    return len(statements) / elapsed


@contextmanager
def ralph(folder: Path) -> Iterator[ServedLRS]:
    """A fresh Ralph with an empty data folder."""
    server = Ralph(folder)
    server.start()

    def check_stored(count: int) -> None:
        counts = server.id_counts()
        if len(counts) != count or set(counts.values()) != {1}:
            raise SystemExit(f"Ralph stored {len(counts)} distinct statements, not {count} once each")

    try:
        yield ServedLRS(server.endpoint, server.user, server.password, check_stored)
    finally:
        server.stop()


@contextmanager
def builtin(folder: Path) -> Iterator[ServedLRS]:
    """The platform served by gunicorn on a fresh SQLite database, with an LRS key made for the bench."""
    from lms import create_app
    from lms.extensions import db
    from xapi.lrs import credentials

    folder.mkdir(parents=True)
    settings = config(folder)
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        key, secret = credentials.create_key(db.session, "bench", (credentials.ALL,))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LMS_")},
        "LMS_DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "LMS_INSTANCE_PATH": str(folder),
        "LMS_SECRET_KEY": "bench-secret-key",
        "LMS_BASE_URL": BASE_URL,
        "LMS_LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--chdir", str(ROOT), "lms:create_app()"],
        env=env,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}/xapi"
    try:
        _wait_for_about(endpoint, server)
        yield ServedLRS(endpoint, key, secret, lambda count: _check_rows(settings, count))
    finally:
        server.terminate()
        server.wait(timeout=30)


def _check_rows(settings: dict, count: int) -> None:
    """The built-in LRS's table holds ``count`` statements (its ids are unique by constraint)."""
    import sqlalchemy as sa

    from xapi.lrs.tables import statements

    engine = sa.create_engine(settings["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        stored = connection.scalar(sa.select(sa.func.count()).select_from(statements))
    engine.dispose()
    if stored != count:
        raise SystemExit(f"the built-in LRS stored {stored} statements, not {count}")


def _wait_for_about(endpoint: str, server: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it served anything")
        try:
            if requests.get(f"{endpoint}/about", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit("the built-in LRS did not answer within 30 s")


def one_round(
    served: Callable[[Path], AbstractContextManager[ServedLRS]],
    folder: Path,
    statements: list[dict],
    batch: int,
) -> tuple[float, float]:
    """Statements per second posted directly, then drained from the outbox, each to a fresh LRS."""
    with served(folder / "lrs-direct") as lrs:
        client = HttpLRS(lrs.endpoint, lrs.key, lrs.secret)
        direct = post_direct(client, statements, batch)
        client.close()
        lrs.check_stored(len(statements))
    with served(folder / "lrs-drain") as lrs:
        outbox_folder = folder / "outbox"
        outbox_folder.mkdir(parents=True)
        drained = drain(
            outbox_folder,
            statements,
            batch,
            LRS_ENDPOINT=lrs.endpoint,
            LRS_KEY=lrs.key,
            LRS_SECRET=lrs.secret,
        )
        lrs.check_stored(len(statements))
    return direct, drained


def report(name: str, count: int, batch: int, rounds: list[tuple[float, float]]) -> None:
    """The median and spread of the rounds (the machine is shared: single rounds wander)."""
    print(f"{name}: {count} statements in batches of {batch}, both over HTTP")
    print(f"  direct posts   {spread([r[0] for r in rounds], 'statements/s')}")
    print(f"  outbox drain   {spread([r[1] for r in rounds], 'statements/s')}")
    print(f"  drain/direct   {spread([r[1] / r[0] for r in rounds], digits=2)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-builtin", action="store_true", help="only Ralph")
    args = parse_arguments(parser, smoke={"statements": 200, "batch": 50, "rounds": 1})

    statements = make_statements(args.statements)
    lrss = [("Ralph 5.1.0 (file backend)", ralph)]
    if not args.no_builtin:
        if importlib.util.find_spec("xapi.lrs.store") is None:
            raise SystemExit("built-in LRS: xapi/lrs/store.py is missing (--no-builtin to skip it)")
        lrss.append(("built-in LRS (SQLite, gunicorn 2 workers × 4 threads)", builtin))
    with tempfile.TemporaryDirectory(prefix="lms-bench-drain-") as tmp:
        for name, served in lrss:
            rounds = [
                one_round(served, Path(tmp) / f"{served.__name__}-{n}", statements, args.batch)
                for n in range(args.rounds)
            ]
            report(name, args.statements, args.batch, rounds)
    print(load_average())


if __name__ == "__main__":
    main()
