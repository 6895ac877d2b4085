"""Formal qualifications beside module evidence: authorisation as health personnel (with its HPR
number), trade certificates and further education, each with the day a leader last checked it.

A qualification is tied to the requirements through the shipped framework «Formelle
kvalifikasjoner» (``lms/competence/frameworks/formelle-kvalifikasjoner.csv``): each kind is a
competence there (``FK-AUT``, ``FK-FAG``, ``FK-VID``), recording a qualification appends a piece of
evidence at level 1 in it, and a requirement that asks for a formal qualification is an ordinary
requirement on that competence. So the matrix, the reports and the API count it like any other.
Functions flush; the caller commits.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from lms.competence import services as competence
from lms.competence.models import Competence, EvidenceKind
from lms.core.time import start_of_local_day
from lms.extensions import db
from lms.organisation.models import Person
from lms.planning.models import Qualification, QualificationKind

FRAMEWORK_FILE = Path(competence.__file__).parent / "frameworks" / "formelle-kvalifikasjoner.csv"

HPR_NUMBER = re.compile(r"[0-9]{7,9}")
"""An HPR number (Helsepersonellregisteret) as we accept it: 7 to 9 digits, nothing else.

The register gives numbers of up to 9 digits (older ones have 7, newer ones 8 or 9); it publishes no
check digit, so the format is all that can be checked here. Spaces people type between groups of
digits are taken away first; a leader checks the number itself against the register."""


DOCUMENTED = 2
"""The level a checked qualification gives in the framework «Formelle kvalifikasjoner»."""


def normalised_hpr(text: str | None) -> str | None:
    """The HPR number in ``text`` without spaces, or None when it is not 7-9 digits."""
    digits = "".join((text or "").split())
    return digits if HPR_NUMBER.fullmatch(digits) else None


def qualification_competences() -> dict[QualificationKind, Competence]:
    """The competence of each kind, importing the shipped framework when it is not there yet."""
    codes = [kind.competence_code for kind in QualificationKind]
    found = competence.competences_by_code(codes)
    if len(found) < len(codes):
        competence.import_framework(FRAMEWORK_FILE.read_bytes())
        found = competence.competences_by_code(codes)
    return {kind: found[kind.competence_code] for kind in QualificationKind}


def record_qualification(
    person: Person,
    kind: QualificationKind,
    title: str,
    *,
    checked_by: Person,
    checked_on: date,
    achieved_on: date | None = None,
    hpr_number: str | None = None,
) -> Qualification:
    """Record a qualification a leader has checked, and the evidence it gives (the top level,
    «Dokumentert», of its kind's competence), which refreshes the person's requirement status."""
    if kind is QualificationKind.AUTHORISATION and normalised_hpr(hpr_number) is None:
        raise ValueError("an authorisation needs an HPR number of 7-9 digits")
    qualification = Qualification(
        person_id=person.id,
        kind=kind,
        title=title,
        hpr_number=normalised_hpr(hpr_number) if kind is QualificationKind.AUTHORISATION else None,
        achieved_on=achieved_on,
        checked_on=checked_on,
        checked_by_id=checked_by.id,
    )
    db.session.add(qualification)
    db.session.flush()
    competence.record_evidence(
        person,
        qualification_competences()[kind],
        DOCUMENTED,
        EvidenceKind.QUALIFICATION,
        achieved_at=start_of_local_day(achieved_on or checked_on),
        asserted_by=checked_by,
        source=f"qualification:{qualification.id}",
        note=title,
    )
    return qualification


def check_again(qualification: Qualification, by: Person, on: date) -> None:
    """A leader has checked the qualification again (e.g. the authorisation in the register)."""
    qualification.checked_on = on
    qualification.checked_by_id = by.id
    db.session.flush()


def qualifications_of(person: Person) -> list[Qualification]:
    query = sa.select(Qualification).where(Qualification.person_id == person.id)
    return list(db.session.scalars(query.order_by(Qualification.kind, Qualification.id)))
