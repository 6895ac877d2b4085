"""The overview above the unit, for leaders of a service area or the municipality: the units
below side by side, per unit and per competence, with the trend of the last 12 months; and its
exports (CSV, XLSX). A manager of one unit sees their unit alone (``for_unit``)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from lms.access import for_unit
from lms.audit.services import record_by_user
from lms.content.localised import pick
from lms.organisation.services import ancestors
from lms.reports import exports
from lms.reports.chart import bar_chart, share_bars
from lms.reports.overview import Bucket, Figures, Overview, overview
from lms.reports.views import REPORT_ROLES, _filename, _locale, _scope, bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _line_name(line) -> str:
    if line.direct:
        return _("%(unit)s (direkte)", unit=line.unit.name)
    return line.unit.name


def _charts(found: Overview) -> dict:
    months = [m for m in found.trend if m.figures is not None]
    return {
        "trend_chart": bar_chart(
            [format_date(m.starts_on, "MMM yy") for m in months],
            [m.figures.share_met for m in months],
            title=_("Andel oppfylte krav per måned"),
            desc=_("Søyler for hver måned med tall; tallene står i tabellen under."),
            ident="trend",
            top=100,
            suffix="%",
        ),
        "unit_chart": share_bars(
            [_line_name(line) for line in found.lines],
            [line.figures.share_met for line in found.lines],
            title=_("Andel oppfylte krav per enhet"),
            desc=_("En liggende søyle per enhet; tallene står i tabellen under."),
            ident="units",
        ),
    }


@bp.route("/units/<int:unit_id>/overview")
@for_unit(*REPORT_ROLES)
def overview_page(unit_id: int):
    unit, _scope_ids = _scope(unit_id)
    found = overview(unit)
    return render_template(
        "reports/overview.html",
        unit=unit,
        path=ancestors(unit),
        overview=found,
        line_name=_line_name,
        Bucket=Bucket,
        **_charts(found),
    )


def _figures_row(figures: Figures) -> list:
    return [figures[b] for b in Bucket] + [figures.total, figures.share_met]


def _rows(found: Overview) -> Iterator[list]:
    """A row per unit and competence, then each unit's total; then the units together per
    competence and in all, as the page's totals (each person once, however many units hold them)."""
    locale = _locale()
    yield (
        [_("Enhet"), _("Kompetanse")]
        + [b.label for b in Bucket]
        + [
            _("Krav i alt"),
            _("Andel oppfylt (%)"),
        ]
    )
    titles = {c.id: f"{c.code} {pick(c.titles, locale)}" for c in found.competences}
    everything = _("Alle kompetanser")
    for name, by_competence, figures in [
        *((_line_name(line), line.by_competence, line.figures) for line in found.lines),
        (_("Alle enheter"), found.by_competence, found.total),
    ]:
        for c in found.competences:
            if c.id in by_competence:
                yield [name, titles[c.id], *_figures_row(by_competence[c.id])]
        yield [name, everything, *_figures_row(figures)]


def _months(found: Overview) -> Iterator[list]:
    yield [_("Måned")] + [b.label for b in Bucket] + [_("Krav i alt"), _("Andel oppfylt (%)")]
    for month in found.trend:
        if month.figures is not None:
            yield [month.starts_on.isoformat()[:7], *_figures_row(month.figures)]


def _download(unit, data, mimetype: str, suffix: str) -> Response:
    record_by_user("report.export", "unit", unit.id, {"report": "overview", "format": suffix})
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{_filename(unit, "oversikt", suffix)}"'},
    )


@bp.route("/units/<int:unit_id>/overview.csv")
@for_unit(*REPORT_ROLES)
def overview_csv(unit_id: int):
    unit, _scope_ids = _scope(unit_id)
    return _download(unit, exports.to_csv(list(_rows(overview(unit)))), "text/csv", "csv")


@bp.route("/units/<int:unit_id>/overview.xlsx")
@for_unit(*REPORT_ROLES)
def overview_xlsx(unit_id: int):
    unit, _scope_ids = _scope(unit_id)
    found = overview(unit)
    sheets = [(_("Per enhet"), _rows(found)), (_("Per måned"), _months(found))]
    return _download(unit, exports.to_xlsx(sheets), XLSX, "xlsx")
