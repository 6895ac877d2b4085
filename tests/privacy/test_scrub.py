"""Taking a person's name, e-mail and phone out of text others wrote (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime

from lms.organisation.models import Person, Role
from lms.privacy.sections import Erasure, plain

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def erasure() -> Erasure:
    person = Person(name="Nils Sykepleier", email="nils@testvik.no", phone="+47 912 34 567")
    return Erasure.of(person, "Slettet person 4", NOW)


def test_name_email_and_phone_are_replaced_whatever_the_case_and_spacing():
    text = "NILS SYKEPLEIER (nils@Testvik.no, +4791234567 eller +47 912 34 567) var med."
    assert erasure().scrub(text) == (
        "Slettet person 4 (Slettet person 4, Slettet person 4 eller Slettet person 4) var med."
    )


def test_json_is_scrubbed_in_every_string_and_keeps_its_shape():
    value = {"a": ["Hei Nils Sykepleier", 3, None], "b": {"c": "nils@testvik.no"}}
    assert erasure().scrub_json(value) == {
        "a": ["Hei Slettet person 4", 3, None],
        "b": {"c": "Slettet person 4"},
    }


def test_text_without_the_person_is_left_alone():
    assert erasure().scrub("Nils Olsen ringte.") == "Nils Olsen ringte."


def test_plain_makes_dates_and_enums_into_text():
    assert plain({"at": NOW, "role": Role.STAFF, "list": (1, NOW.date())}) == {
        "at": "2026-11-23T00:00:00+00:00",
        "role": "staff",
        "list": [1, "2026-11-23"],
    }
