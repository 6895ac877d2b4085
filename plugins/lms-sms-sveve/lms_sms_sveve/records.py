"""What the plugin keeps, in ``<instance>/sms-sveve/``: one JSON line per sent SMS (when, to which
number in E.164, Sveve's ids; never the text) and the last balance check. Files, not tables, so
that the plugin needs no migration of its own."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from lms.db import utcnow

FOLDER = "sms-sveve"


def _folder(instance_path: Path) -> Path:
    folder = Path(instance_path) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def record_sent(instance_path: Path, to: str, ids: list[int]) -> None:
    line = json.dumps({"at": utcnow().isoformat(), "to": to, "ids": ids})
    with (_folder(instance_path) / "sent.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def sent(instance_path: Path) -> list[dict]:
    """Every recorded SMS, oldest first, ``at`` as an aware datetime."""
    path = _folder(instance_path) / "sent.jsonl"
    if not path.exists():
        return []
    found = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [{**entry, "at": datetime.fromisoformat(entry["at"])} for entry in found]


def forget_sent(instance_path: Path, keep: Callable[[dict], bool]) -> None:
    """Rewrite the record with only the entries ``keep`` accepts."""
    path = _folder(instance_path) / "sent.jsonl"
    kept = [entry for entry in sent(instance_path) if keep(entry)]
    lines = [json.dumps({**entry, "at": entry["at"].isoformat()}) + "\n" for entry in kept]
    path.write_text("".join(lines), encoding="utf-8")


def record_balance(instance_path: Path, remaining: int | None, problem: str | None = None) -> None:
    state = {"checked_at": utcnow().isoformat(), "remaining": remaining, "problem": problem}
    (_folder(instance_path) / "balance.json").write_text(json.dumps(state), encoding="utf-8")


def balance(instance_path: Path) -> dict | None:
    """The last balance check (``checked_at``, ``remaining``, ``problem``), or None before any."""
    path = _folder(instance_path) / "balance.json"
    if not path.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    return {**state, "checked_at": datetime.fromisoformat(state["checked_at"])}
