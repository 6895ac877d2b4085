"""Admin pages for units, people and roles, and the CSV import of people."""

from __future__ import annotations

from flask import Blueprint, render_template

from lms.access import admin_only

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@admin_only
def index():
    return render_template("organisation/admin/index.html")
