"""Reading the SMS the `log` gateway wrote (``instance/sms.log``), and a vikar without e-mail."""

from __future__ import annotations

import json
import re

from flask import Flask

from lms.extensions import db
from lms.organisation.models import Person, Role
from lms.organisation.services import create_person, grant_role

VIKAR_PHONE = "+4791234567"
CODE = re.compile(r"\b(\d{6})\b")


def texts_to(app: Flask, number: str) -> list[str]:
    log = app.config["INSTANCE_PATH"] / "sms.log"
    if not log.exists():
        return []
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [line["text"] for line in lines if line["to"] == number]


def sms_log_size(app: Flask) -> int:
    log = app.config["INSTANCE_PATH"] / "sms.log"
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def latest_code(app: Flask, number: str = VIKAR_PHONE) -> str:
    return CODE.search(texts_to(app, number)[-1]).group(1)


def add_vikar(app: Flask, unit, phone: str = "912 34 567") -> Person:
    with app.app_context():
        vikar = create_person("Vera Vikar", phone=phone, job_title="vikar")
        grant_role(vikar, db.session.merge(unit), Role.STAFF)
        db.session.commit()
    return vikar
