from __future__ import annotations

import re

from flask import Blueprint, abort, send_from_directory

from lms.access import signed_in
from lms.content import library
from lms.content.package import MODULE_ID

bp = Blueprint("content", __name__)

_HASH = re.compile(r"^[0-9a-f]{64}$")
ONE_YEAR = 365 * 24 * 3600


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
    return response
