"""The admin page for API keys (``/admin/api``): make a key with scopes (its text shown once) and
revoke one, on the keys page the built-in LRS uses too (``lms.core.key_pages``). Keys reach every
unit's data, so only an admin of a top-level unit manages them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.access import top_admin_only
from lms.api import keys
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.key_pages import KeyRow, NewKey, key_form, render_key_page
from lms.extensions import db
from lms.organisation.forms import ConfirmForm

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api")

SCOPE_TEXTS = {
    "units:read": _l("lese enheter"),
    "units:write": _l("opprette og endre enheter (HR-synkronisering)"),
    "people:read": _l("lese personer og rollene deres"),
    "people:write": _l("opprette og endre personer og rollene deres (HR-synkronisering)"),
    "shifts:read": _l("lese vaktene til personer"),
    "shifts:write": _l("erstatte vaktene til personer (turnussystem)"),
    "assignments:read": _l("lese tildelinger"),
    "assignments:write": _l("opprette tildelinger"),
    "reports:read": _l("lese status for fullføring og kompetanse"),
    keys.ADMIN_SCOPE: _l(
        "sammen med people:write: gi og ta fra administratorrollen, og endre e-post, telefon og "
        "om en administrator er aktiv"
    ),
}
"""What each scope of ``lms.api.keys.SCOPES`` allows, in words."""

NewKeyForm = key_form(
    keys.SCOPES, description=_l("Hvilket system nøkkelen er til, for eksempel «HR-systemet».")
)


def _render(form, created: NewKey | None = None, status: int = 200):
    openapi = url_for("api.openapi", _external=True)
    intro = _(
        "Andre systemer (HR, turnus, rapportering) bruker API-et på %(url)s med en nøkkel: "
        "«Authorization: Bearer lv_…». Beskrivelsen av API-et ligger på %(openapi)s.",
        url=openapi.rsplit("/", 1)[0],
        openapi=openapi,
    )
    rows = [
        KeyRow(
            key.name,
            f"lv_{key.prefix}_…",
            key.scopes,
            key.created_at,
            key.created_by.name if key.created_by else None,
            key.last_used_at,
            key.revoked_at,
            url_for("api_admin.revoke", key_id=key.id),
        )
        for key in keys.list_keys()
    ]
    return render_key_page(
        title=_("API-nøkler"),
        intro=[intro],
        form=form,
        action=url_for("api_admin.index"),
        scope_texts=SCOPE_TEXTS,
        rows=rows,
        created=created,
        status=status,
    )


@bp.route("/", methods=["GET", "POST"])
@top_admin_only
def index():
    form = NewKeyForm()
    if not form.validate_on_submit():
        return _render(form, status=INVALID if form.errors else 200)
    key, text = keys.create_key(form.name.data, form.scopes.data, by=current_user)
    record_by_user("api_key.create", "api_key", key.id, {"scopes": key.scopes})
    created = NewKey(key.name, [(_("Nøkkel"), text, "new-api-key")])
    return _render(NewKeyForm(formdata=None), created=created)


@bp.route("/<int:key_id>/revoke", methods=["POST"])
@top_admin_only
def revoke(key_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    key = keys.revoke(key_id)
    if key is not None:
        record_by_user("api_key.revoke", "api_key", key.id)
        flash(_("API-nøkkelen %(name)s er trukket tilbake.", name=key.name), "success")
    else:
        flash(_("Fant ingen aktiv API-nøkkel med den id-en."), "error")
    db.session.flush()
    return redirect(url_for("api_admin.index"))
