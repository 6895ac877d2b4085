"""The error a refused workshop action raises."""

from __future__ import annotations


class WorkshopError(Exception):
    """A refused action; the message is for the person (already translated)."""
