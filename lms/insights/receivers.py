"""What insights answers when other features ask (``lms.signals``)."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.insights.services import owns_a_module_read_along


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.read_with_signed_in_person.connect(owns_a_module_read_along)
