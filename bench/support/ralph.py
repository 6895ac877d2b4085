"""Ralph, a real external LRS, as a process on 127.0.0.1 for the tests and the benchmark.

Ralph lives in its own virtual environment (``.venv-ralph``, made by ``scripts/ensure-ralph``) and is
served by uvicorn through ``ralph_launcher.py``, which switches its file backend to append (see there).
Its statements land in one JSON-lines file; counting ids in that file is the proof of "exactly once".
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from bench.support.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
RALPH_VENV = ROOT / ".venv-ralph"
RALPH_PYTHON = RALPH_VENV / "bin" / "python"
RALPH_CLI = RALPH_VENV / "bin" / "ralph"
LAUNCHER = Path(__file__).resolve().parent / "ralph_launcher.py"
DATA_FILE = "fs_lrs.jsonl"


class RalphNotInstalled(RuntimeError):
    pass


class Ralph:
    """One Ralph server: ``start``, ``stop``, ``restart`` (same port, same data), ``wipe``."""

    def __init__(self, root: Path, user: str = "laerevakt", password: str = "ralph-test-secret"):
        if not RALPH_PYTHON.exists():
            raise RalphNotInstalled(f"{RALPH_PYTHON} is missing: run scripts/ensure-ralph")
        self.root = Path(root)
        self.app_dir = self.root / "app"
        self.data_dir = self.root / "data"
        self.log_path = self.root / "ralph.log"
        self.user, self.password = user, password
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.app_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._make_credentials()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI"

    @property
    def auth(self) -> tuple[str, str]:
        return self.user, self.password

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RALPH_")}
        env.update(
            RALPH_APP_DIR=str(self.app_dir),
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_RUNSERVER_AUTH_BACKENDS="basic",
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.data_dir),
            RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH=str(self.data_dir),
        )
        return env

    def _make_credentials(self) -> None:
        command = [str(RALPH_CLI), "auth", "-w", "-u", self.user, "-p", self.password]
        command += ["-s", "all", "-M", f"mailto:{self.user}@example.com"]
        subprocess.run(
            command,
            env=self._env(),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self, timeout: float = 30.0) -> None:
        if self.process is not None:
            raise RuntimeError("Ralph is already running")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(RALPH_PYTHON), "-P", str(LAUNCHER), "127.0.0.1", str(self.port)],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.root,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"Ralph exited at start-up:\n{self.log_tail()}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Ralph did not answer within {timeout}s:\n{self.log_tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def clear(self) -> None:
        """Forget every statement while Ralph runs idle: it opens its data file anew on each request."""
        for path in self.data_dir.rglob(DATA_FILE):
            path.unlink()

    def wipe(self) -> None:
        """Forget every statement (Ralph must be stopped or will be restarted around this)."""
        running = self.process is not None
        self.stop()
        shutil.rmtree(self.data_dir)
        self.data_dir.mkdir()
        (self.app_dir / "history.json").unlink(missing_ok=True)
        if running:
            self.start()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    # What Ralph holds.

    def stored(self) -> list[dict[str, Any]]:
        """Every statement in Ralph's data file, in the order written (duplicates included)."""
        statements = []
        for path in sorted(self.data_dir.rglob(DATA_FILE)):
            with path.open(encoding="utf-8") as lines:
                statements.extend(json.loads(line) for line in lines if line.strip())
        return statements

    def id_counts(self) -> Counter[str]:
        return Counter(statement["id"] for statement in self.stored())

    def get_statement(self, statement_id: str) -> dict[str, Any] | None:
        """Ralph's answer to ``GET statements?statementId=``: it wraps the statement in a list."""
        response = requests.get(
            f"{self.endpoint}/statements",
            params={"statementId": statement_id},
            auth=self.auth,
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=30,
        )
        if response.status_code == 404:
            return None
        response.raise_for_status()
        body = response.json()
        if isinstance(body, dict) and "statements" in body:
            found = body["statements"]
            return found[0] if found else None
        return body
