"""The ``lms.modules`` entry point: a folder holding module packages."""

from __future__ import annotations

from pathlib import Path


def folder() -> Path:
    return Path(__file__).parent / "pack"
