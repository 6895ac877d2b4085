from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, send_from_directory

from lms.access import signed_in
from lms.content import library, services
from lms.content.governance import REVIEW_LABELS, licence_url
from lms.content.package import MODULE_ID
from lms.core.time import local_today

bp = Blueprint("content", __name__)
bp.add_app_template_global(licence_url)

_HASH = re.compile(r"^[0-9a-f]{64}$")
ONE_YEAR = 365 * 24 * 3600
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""An SVG opened on its own is a document: it may style itself, and nothing else (no script, no
fetching), whatever slipped past validation."""


@bp.route("/modules")
@signed_in
def modules():
    """The module library: every published module with who is responsible for it, when it is to
    be reviewed, and its licence (one query)."""
    return render_template(
        "content/library.html",
        versions=services.published_versions(),
        today=local_today(),
        review_labels=REVIEW_LABELS,
    )


@bp.route("/media/<module_id>/<content_hash>/<path:name>")
@signed_in
def media(module_id: str, content_hash: str, name: str):
    """A media file of an installed version. Its URL names its content, so it is cached for good."""
    if (
        not MODULE_ID.match(module_id)
        or not _HASH.match(content_hash)
        or name.endswith((".yaml", ".yml", ".md"))
    ):
        abort(404)
    folder = library.stored_folder(module_id, content_hash)
    response = send_from_directory(folder, name, max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if name.lower().endswith(".svg"):
        response.mimetype = "image/svg+xml"
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
