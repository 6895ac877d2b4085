"""The competence matrix of a unit: one page of people at a time, filtered in SQL (HTML, as a
table or as a list per person for phones), and its exports, streamed page by page (CSV, XLSX)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from datetime import date, datetime
from typing import TypeVar

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms.access import for_unit
from lms.audit.services import record_by_user
from lms.competence.models import State
from lms.content.localised import pick
from lms.core.urls import row_id
from lms.organisation.models import JOB_TITLES, Person, Unit
from lms.organisation.services import ancestors
from lms.reports import exports, services
from lms.reports.services import Cell
from lms.reports.views import REPORT_ROLES, _filename, _locale, _scope, bp

T = TypeVar("T")
PER_PAGE = 50
"""People per page: 50 × 50 competences is a page of about 2,500 cells."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> dict:
    state = request.args.get("state", "")
    return {
        "search": request.args.get("q", ""),
        "job_title": request.args.get("job_title") or None,
        "competence_id": request.args.get("competence", type=row_id),
        "state": State[state] if state in State.__members__ else None,
    }


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    level = cell.level or 0
    return _(
        "%(state)s (nivå %(level)s av %(required)s)",
        state=cell.state.label,
        level=level,
        required=cell.required,
    )


def _cell_html(cell) -> Markup:
    """A cell as little markup as it takes (a page holds 2,500): its mark (✓ ! ✗ –) comes from
    the stylesheet, by the state's class."""
    if cell is None:
        return Markup('<span class="muted">{}</span>').format(_("ikke krav"))
    detail = _("nivå %(level)s/%(required)s", level=cell.level or 0, required=cell.required)
    if cell.valid_until and cell.state in (State.MET, State.RENEWAL_DUE):
        detail += " · " + _("til %(date)s", date=format_date(cell.valid_until))
    if not cell.mandatory:
        detail += " · " + _("anbefalt")
    return Markup('<span class="cell cell-{}">{}<small>{}</small></span>').format(
        cell.state.name.lower(), cell.state.label, detail
    )


def _remembered(render: Callable[[Cell | None], T], key: Callable[[Cell], Hashable]):
    """``render`` once per distinct ``key(cell)``: a 1,000 × 50 matrix has a few hundred."""
    cache: dict[Hashable, T] = {}

    def rendered(cell: Cell | None) -> T:
        k = None if cell is None else key(cell)
        if k not in cache:
            cache[k] = render(cell)
        return cache[k]

    return rendered


def _cell_texts() -> Callable[[Cell | None], str]:
    return _remembered(_cell_text, lambda cell: (cell.state, cell.level, cell.required))


def _cell_htmls() -> Callable[[Cell | None], Markup]:
    """The cell's HTML, keyed on what it shows: the expiry as the day it is where the user is
    (worked out once per quarter hour, as every time zone's offset is whole quarters)."""
    zone = get_timezone()
    days: dict[datetime, date] = {}

    def shown(cell: Cell):
        until = cell.valid_until
        if until is not None:
            quarter = until.replace(minute=until.minute - until.minute % 15, second=0, microsecond=0)
            day = days.get(quarter)
            if day is None:
                day = days[quarter] = quarter.astimezone(zone).date()
            until = day
        return cell.state, cell.mandatory, cell.level, cell.required, until

    return _remembered(_cell_html, shown)


def _person_link(person: Person) -> str:
    link = url_for("reports.person", person_id=0)[: -len("0")]
    return f'<a href="{link}{person.id}">{escape(person.name)}</a>'


def _rows_html(m: services.Matrix, cell_html: Callable[[Cell | None], Markup]) -> list[Markup]:
    """The matrix's body rows, built as strings (a template loop over 50,000 cells is slow)."""
    rows = []
    for row in m.rows:
        parts = [
            f'<tr><th scope="row">{_person_link(row.person)}'
            f'<span class="muted"> {escape(row.person.job_title_label)}</span></th>'
        ]
        for column in m.columns:
            parts.append(f"<td>{cell_html(row.cells.get(column.competence.id))}</td>")
        parts.append("</tr>")
        rows.append(Markup("".join(parts)))
    return rows


def _people_html(m: services.Matrix, cell_html: Callable[[Cell | None], Markup]) -> list[Markup]:
    """The phone view: one list item per person, each competence's title and cell."""
    locale = _locale()
    titles = [f"<dt>{escape(pick(c.competence.titles, locale))}</dt>" for c in m.columns]
    items = []
    for row in m.rows:
        parts = [
            f'<li><h2 class="person-name">{_person_link(row.person)}'
            f' <span class="muted">{escape(row.person.job_title_label)}</span></h2><dl class="facts">'
        ]
        for title, column in zip(titles, m.columns, strict=True):
            parts.append(f"{title}<dd>{cell_html(row.cells.get(column.competence.id))}</dd>")
        parts.append("</dl></li>")
        items.append(Markup("".join(parts)))
    return items


@bp.route("/units/<int:unit_id>/matrix")
@for_unit(*REPORT_ROLES)
def matrix(unit_id: int):
    unit, scope = _scope(unit_id)
    filters = _filters()
    query = services.matrix_query(scope, **filters)
    m = services.matrix_page(query, request.args.get("page", 1, type=int), PER_PAGE)
    view = "list" if request.args.get("view") == "list" else "table"
    cell_html = _cell_htmls()
    args = {k: v for k, v in request.args.items() if k not in ("view", "page")}
    return render_template(
        "reports/matrix.html",
        unit=unit,
        path=ancestors(unit),
        matrix=m,
        filters=filters,
        view=view,
        all_competences=query.competences
        if filters["competence_id"] is None
        else services.matrix_query(scope).competences,
        rows_html=_rows_html(m, cell_html) if view == "table" else [],
        people_html=_people_html(m, cell_html) if view == "list" else [],
        job_titles=JOB_TITLES,
        State=State,
        args=args,
    )


def _matrix_table(unit_id: int) -> tuple[Unit, exports.MatrixTable]:
    """The unit and its matrix as rows, made page by page of people as they are written."""
    unit, scope = _scope(unit_id)
    headers = {"name": _("Navn"), "job_title": _("Stilling"), "competence": _("Kompetanse")}
    locale = _locale()
    pages = _pages(scope, _filters())
    return unit, exports.MatrixTable(pages, _cell_texts(), lambda t: pick(t, locale), headers)


def _pages(scope: set[int], filters: dict) -> Iterator[services.Matrix]:
    """The pages, queried only once the response streams: the request's session has committed
    and been replaced by then, so nothing loaded before may be used."""
    yield from services.matrix_pages(services.matrix_query(scope, **filters))


def _download(chunks, mimetype: str, filename: str) -> Response:
    return Response(
        stream_with_context(chunks),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/units/<int:unit_id>/matrix.csv")
@for_unit(*REPORT_ROLES)
def matrix_csv(unit_id: int):
    unit, table = _matrix_table(unit_id)
    record_by_user("report.export", "unit", unit.id, {"report": "matrix", "format": "csv"})
    return _download(exports.csv_chunks(table.rows()), "text/csv", _filename(unit, "kompetanse", "csv"))


@bp.route("/units/<int:unit_id>/matrix.xlsx")
@for_unit(*REPORT_ROLES)
def matrix_xlsx(unit_id: int):
    unit, table = _matrix_table(unit_id)
    record_by_user("report.export", "unit", unit.id, {"report": "matrix", "format": "xlsx"})
    sheets = [(_("Kompetanse"), table.rows()), (_("Oppsummering"), table.summary())]
    return _download(exports.xlsx_chunks(sheets), XLSX, _filename(unit, "kompetanse", "xlsx"))
