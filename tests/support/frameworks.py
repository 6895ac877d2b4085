"""A small competence framework for tests: one competence, ``<code>-1``, on a scale of a few levels."""

from __future__ import annotations

from collections.abc import Sequence

from lms.competence import services as competence
from lms.competence.models import Competence
from lms.competence.moodle_csv import CompetenceSpec, FrameworkSpec, ScaleSpec, write


def import_test_framework(code: str = "TEST", levels: Sequence[str] = ("En", "To")) -> Competence:
    """Import framework ``code`` with the competence ``<code>-1`` ("Testkompetanse"), whose scale is
    ``levels`` (every level but the first counts as proficient), and return that competence. The
    test module (``tests/fixtures/modules/alle-korttyper``) gives TEST-1 at level 2."""
    spec = FrameworkSpec(
        code,
        code.title(),
        {"nb": code.title()},
        {"nb": ""},
        ScaleSpec([(name, n > 0) for n, name in enumerate(levels)]),
        "",
        [CompetenceSpec(f"{code}-1", "", {"nb": "Testkompetanse"}, {"nb": ""}, [])],
    )
    competence.import_framework(write(spec))
    return competence.competences_by_code([f"{code}-1"])[f"{code}-1"]
