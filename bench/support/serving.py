"""What the benchmarks share: the app's settings for a run, a free port on 127.0.0.1 and waiting for
a server to listen on it."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def bench_config(folder: Path, database_url: str | None = None, **extra) -> dict:
    """Settings for a benchmark's app: its database (default SQLite in ``folder``), no scheduler,
    no mail, quiet logs; ``extra`` adds or overrides settings."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        "INSTANCE_PATH": folder,
        "SECRET_KEY": "bench-secret-key",
        "BASE_URL": "http://127.0.0.1",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SCHEDULER_ENABLED": False,
        "SMTP_HOST": None,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    """Return once something listens on ``port``; stop the run if ``server`` dies or is too slow."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped before it served anything")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not start within {seconds:g} s")
