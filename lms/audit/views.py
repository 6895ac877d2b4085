"""The admin page of the audit log: filter by action, person and dates; a page at a time."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from lms.access import top_admin_only
from lms.audit import services
from lms.audit.actions import ACTIONS, label
from lms.core.paging import requested_page
from lms.core.urls import row_id

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> services.Filters:
    action = request.args.get("action", "")
    return services.Filters(
        action=action if action in ACTIONS else "",
        person_id=request.args.get("person", type=row_id),
        since=_date("since"),
        until=_date("until"),
    )


@bp.route("/")
@top_admin_only
def index():
    """The log spans the whole installation, so only an admin of a top unit sees it."""
    filters = _filters()
    page = requested_page()
    found = services.entries(filters, page=page, per_page=PER_PAGE)
    query = {
        "action": filters.action or None,
        "person": filters.person_id,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }
    return render_template(
        "audit/index.html",
        found=found,
        filters=filters,
        query=query,
        actions=sorted(((code, str(text)) for code, text in ACTIONS.items()), key=lambda a: a[1]),
        actors=services.actors(),
        label=label,
    )
