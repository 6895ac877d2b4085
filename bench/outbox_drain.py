"""How fast the outbox drains to an LRS, against how fast that LRS takes statements posted to it
directly: statements per second for each, and the ratio drain/direct.

The budget (DESIGN.md §6): the outbox drains at close to what the LRS itself accepts. Nothing here
asserts a time; it prints figures.

    .venv/bin/python bench/outbox_drain.py [--statements 5000] [--batch 100] [--rounds 3] [--no-builtin]

Two LRSs, two phases each, the same number of statements in each phase:

- Ralph (an external LRS, from ``.venv-ralph``: ``scripts/ensure-ralph``), its file backend, on
  127.0.0.1; a fresh Ralph with an empty data folder for each phase, so both store the same amount.
  direct: ``xapi.client.HttpLRS`` posts the statements in batches. drain: the statements are recorded
  into the outbox of a fresh SQLite database (not timed), then ``deliver_outbox`` sends them (timed).
- The built-in LRS (``xapi/lrs``), each phase on a fresh SQLite database. direct: ``HttpLRS`` posts to
  its HTTP endpoint, the platform served by gunicorn (1 worker). drain: ``deliver_outbox`` stores
  them through the in-process ``LocalLRS`` (which commits each batch it stores; the delivery then
  records the outcome in a short transaction of its own).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import bench_config  # noqa: E402
from lms.tracking.profile import Profile  # noqa: E402
from tests.support.ralph import Ralph, free_port  # noqa: E402
from xapi.client import HttpLRS  # noqa: E402

BASE_URL = "http://127.0.0.1"
T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


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
    return bench_config(folder, BASE_URL=BASE_URL, LRS_ENDPOINT=None, **extra)


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


def ralph_phase(folder: Path, name: str) -> Ralph:
    ralph = Ralph(folder / name)
    ralph.start()
    return ralph


def bench_ralph(folder: Path, statements: list[dict], batch: int) -> tuple[float, float]:
    folder.mkdir()
    ralph = ralph_phase(folder, "ralph-direct")
    try:
        lrs = HttpLRS(ralph.endpoint, *ralph.auth)
        direct = post_direct(lrs, statements, batch)
        lrs.close()
        assert len(ralph.id_counts()) == len(statements)
    finally:
        ralph.stop()
    ralph = ralph_phase(folder, "ralph-drain")
    try:
        (folder / "drain-ralph").mkdir()
        drained = drain(
            folder / "drain-ralph",
            statements,
            batch,
            LRS_ENDPOINT=ralph.endpoint,
            LRS_KEY=ralph.user,
            LRS_SECRET=ralph.password,
        )
        counts = ralph.id_counts()
        assert len(counts) == len(statements) and set(counts.values()) == {1}
    finally:
        ralph.stop()
    return direct, drained


def bench_builtin(folder: Path, statements: list[dict], batch: int) -> tuple[float, float]:
    from lms import create_app
    from lms.extensions import db
    from xapi.lrs import credentials

    folder.mkdir()
    served = folder / "builtin-direct"
    served.mkdir()
    app = create_app(config(served))
    with app.app_context():
        db.create_all()
        key, secret = credentials.create_key(db.session, "bench", (credentials.ALL,))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LMS_")},
        "LMS_DATABASE_URL": config(served)["SQLALCHEMY_DATABASE_URI"],
        "LMS_INSTANCE_PATH": str(served),
        "LMS_SECRET_KEY": "bench-secret-key",
        "LMS_BASE_URL": BASE_URL,
        "LMS_LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--chdir", str(ROOT), "lms:create_app()"],
        env=env,
    )  # fmt: skip
    try:
        lrs = HttpLRS(f"http://127.0.0.1:{port}/xapi", key, secret)
        _wait_for_about(lrs, server)
        direct = post_direct(lrs, statements, batch)
        lrs.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    (folder / "builtin-drain").mkdir()
    drained = drain(folder / "builtin-drain", statements, batch)
    return direct, drained


def _wait_for_about(lrs: HttpLRS, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it served anything")
        try:
            if lrs.session.get(f"{lrs.endpoint}/about", timeout=1).ok:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the built-in LRS did not answer within 30 s")


def report(name: str, count: int, rounds: list[tuple[float, float]]) -> None:
    """The median of the rounds (the machine is shared: single rounds wander)."""
    direct = statistics.median(r[0] for r in rounds)
    drained = statistics.median(r[1] for r in rounds)
    ratios = ", ".join(f"{r[1] / r[0]:.2f}" for r in rounds)
    print(f"{name}: {count} statements in batches, median of {len(rounds)} rounds")
    print(f"  direct posts   {direct:8.0f} statements/s")
    print(f"  outbox drain   {drained:8.0f} statements/s")
    print(f"  drain/direct   {drained / direct:8.2f}   (each round: {ratios})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-builtin", action="store_true", help="only Ralph")
    args = parser.parse_args()

    statements = make_statements(args.statements)
    with tempfile.TemporaryDirectory(prefix="lms-bench-drain-") as tmp:
        folder = Path(tmp)
        rounds = [bench_ralph(folder / f"ralph-{n}", statements, args.batch) for n in range(args.rounds)]
        report("Ralph 5.1.0 (file backend)", args.statements, rounds)
        if args.no_builtin:
            return
        if importlib.util.find_spec("xapi.lrs.store") is None:
            print("built-in LRS: xapi/lrs/store.py is missing, skipped")
            return
        rounds = [
            bench_builtin(folder / f"builtin-{n}", statements, args.batch) for n in range(args.rounds)
        ]
        report("built-in LRS (SQLite)", args.statements, rounds)


if __name__ == "__main__":
    main()
