"""A small competence framework for tests: one competence, ``<code>-1``, on a scale of a few levels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lms.competence import services as competence
from lms.competence.models import Competence
from lms.competence.moodle_csv import CompetenceSpec, FrameworkSpec, ScaleSpec, write
from lms.extensions import db
from lms.organisation.models import Unit


def import_test_framework(
    code: str = "TEST",
    levels: Sequence[str] = ("En", "To"),
    evidence_levels: Mapping[str, int] | None = None,
) -> Competence:
    """Import framework ``code`` with the competence ``<code>-1`` ("Testkompetanse"), whose scale is
    ``levels`` (every level but the first counts as proficient), and return that competence. The
    test module (``tests/fixtures/modules/alle-korttyper``) gives TEST-1 at level 2.

    ``evidence_levels`` is what the framework states each kind of evidence can prove; by default it
    lets a module and a workshop prove every level (as a competence may say), so that tests about
    counting and dates need not mind the kinds. Tests of the caps pass ``{}`` for the defaults."""
    if evidence_levels is None:
        evidence_levels = {"module": len(levels), "workshop": len(levels)}
    spec = FrameworkSpec(
        code,
        code.title(),
        {"nb": code.title()},
        {"nb": ""},
        ScaleSpec([({"nb": name}, n > 0) for n, name in enumerate(levels)]),
        "",
        [CompetenceSpec(f"{code}-1", "", {"nb": "Testkompetanse"}, {"nb": ""}, [])],
        evidence_levels=dict(evidence_levels),
    )
    competence.import_framework(write(spec))
    return competence.competences_by_code([f"{code}-1"])[f"{code}-1"]


def require_shipped(code: str, unit_id: int) -> Competence:
    """Load the shipped frameworks and require their competence ``code`` (level 1) of everyone in
    the unit; committed."""
    competence.load_shipped()
    required = competence.competences_by_code([code])[code]
    competence.add_requirement(required, db.session.get(Unit, unit_id), 1)
    db.session.commit()
    return required
