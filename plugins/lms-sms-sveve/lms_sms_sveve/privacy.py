"""The plugin's answers to the privacy signals: the SMS it sent to a person's number appear on
their "Mine data" page, and are forgotten when the person is erased. Connected per app in
``plugin.connect`` (``sender=app``)."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _

from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, plain
from lms_sms_sveve import records
from lms_sms_sveve.gateway import InvalidNumber, e164


def _number(person: Person) -> str | None:
    try:
        return e164(person.phone) if person.phone else None
    except InvalidNumber:
        return None


def sections(app: Flask, person: Person) -> list[Section]:
    number = _number(person)
    entries = [e for e in records.sent(app.config["INSTANCE_PATH"]) if number and e["to"] == number]
    found = [plain({"sent_at": e["at"], "to": e["to"], "sveve_ids": e["ids"]}) for e in entries]
    return [Section("sms_sveve", _("SMS sendt gjennom Sveve"), found, order=95)]


def erase(app: Flask, erasure: Erasure) -> None:
    number = _number(erasure.person)
    if number:
        records.forget_sent(app.config["INSTANCE_PATH"], lambda entry: entry["to"] != number)
