"""The signals call their receivers in the order the receivers connected, in every process."""

from __future__ import annotations

from blinker import ANY
from flask import Flask

from lms.signals import roles_changed


def test_receivers_are_called_in_the_order_they_connected():
    heard: list[str] = []
    app = Flask("sender")
    receivers = {}
    for name in ("sjette", "første", "tredje", "andre", "femte", "fjerde"):
        receivers[name] = lambda _sender, name=name, **_kw: heard.append(name)
    for name, receiver in receivers.items():
        roles_changed.connect(receiver, sender=app if name == "første" else ANY)
    roles_changed.disconnect(receivers["tredje"])
    roles_changed.connect(receivers["tredje"])
    try:
        roles_changed.send(app, person_ids=[])
    finally:
        for receiver in receivers.values():
            roles_changed.disconnect(receiver)
    assert heard == ["sjette", "andre", "femte", "fjerde", "tredje", "første"]
