"""The plan as a Word document (python-docx) the municipality can put before its politicians: the
unit, the needs with their figures, the measures with owner, date and status, the plans of the
units below (for an area), and the evaluation. Text only; nothing about a single person but the
owners of the measures."""

from __future__ import annotations

import io

from docx import Document
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from lms.planning.models import Measure, NeedSource, Plan


def plan_document(plan: Plan, unit_plans: list[Plan]) -> bytes:
    document = Document()
    document.core_properties.title = _("Kompetanseplan %(year)s", year=plan.year)
    document.add_heading(
        _("Kompetanseplan %(year)s: %(unit)s", year=plan.year, unit=plan.unit.name), level=0
    )
    _needs(document, plan)
    document.add_heading(_("Tiltak"), level=1)
    _measures(document, plan.measures)
    for unit_plan in unit_plans:
        document.add_heading(unit_plan.unit.name, level=2)
        _measures(document, unit_plan.measures)
    document.add_heading(_("Evaluering ved årets slutt"), level=1)
    document.add_paragraph(plan.evaluation or _("Ikke skrevet ennå."))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _needs(document, plan: Plan) -> None:
    document.add_heading(_("Behov"), level=1)
    if not plan.needs:
        document.add_paragraph(_("Ingen behov er registrert."))
        return
    locale = str(get_locale())
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    headers = (_("Behov"), _("Kilde"), _("Mangler / utløpt / utløper snart"))
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for need in plan.needs:
        row = table.add_row().cells
        row[0].text = need.title(locale)
        row[1].text = need.source.label
        row[2].text = (
            f"{need.missing} / {need.expired} / {need.expiring}" if need.source is NeedSource.GAP else ""
        )


def _measures(document, measures: list[Measure]) -> None:
    if not measures:
        document.add_paragraph(_("Ingen tiltak er lagt inn."))
        return
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    headers = (_("Tiltak"), _("Type"), _("Ansvarlig"), _("Frist"), _("Status"))
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for measure in measures:
        row = table.add_row().cells
        row[0].text = measure.title
        row[1].text = measure.kind.label
        row[2].text = measure.owner.name if measure.owner else ""
        row[3].text = format_date(measure.due_on)
        row[4].text = measure.status.label
