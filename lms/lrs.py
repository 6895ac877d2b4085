"""The built-in LRS in Lærevakt: its xAPI interface under ``/xapi`` (``xapi.lrs.api``), the admin
page for its keys (``/admin/lrs``) and the ``lms lrs`` commands.

The xAPI views are public at the web-session level: xAPI clients carry no session cookie and no CSRF
token, and the LRS checks their HTTP Basic credentials itself (``xapi.lrs.credentials``), answering
401 without them.

Keys read and write learning records of every person (as far as their scopes reach), so only an
admin of a top-level unit (the municipality) manages them.
"""

from __future__ import annotations

import click
from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.access import public, top_admin_only
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.key_pages import KeyRow, NewKey, key_form, render_key_page
from lms.extensions import csrf, db
from lms.feature import Feature
from lms.organisation.forms import ConfirmForm
from xapi.lrs import credentials, queries
from xapi.lrs.api import create_blueprint


def _home_page() -> str:
    return current_app.config["BASE_URL"]


def _unversioned_reply() -> str:
    """The version header of answers to requests that name no version and carry no key that has
    spoken one before: "2.0.0", or what ``LMS_LRS_UNVERSIONED_REPLY`` says ("1.0.3" for a
    deployment whose clients are all 1.0.x)."""
    return current_app.config["LRS_UNVERSIONED_REPLY"]


api_bp = csrf.exempt(
    create_blueprint(
        lambda: db.session,
        home_page=_home_page,
        view_decorator=public,
        unversioned_reply=_unversioned_reply,
    )
)
"""The xAPI resources under ``/xapi`` (about, statements, activities/state, activities/profile,
agents/profile, activities, agents); endpoint ``<LMS_BASE_URL>/xapi``."""


# Admin page ---------------------------------------------------------------------------------------

admin_bp = Blueprint("lrs_admin", __name__, url_prefix="/admin/lrs")

SCOPE_TEXTS = {
    "statements/write": _l("skrive utsagn"),
    "statements/read/mine": _l("lese utsagnene denne nøkkelen har skrevet"),
    "statements/read": _l("lese alle utsagn"),
    "state": _l("lese og skrive tilstandsdokumenter (State) som nøkkelen selv har laget"),
    "profile": _l(
        "lese og skrive profildokumenter for aktiviteter og aktører som nøkkelen selv har laget"
    ),
    "define": _l("definere aktiviteter (navn og beskrivelser i Activities)"),
    "all/read": _l("lese alt"),
    "all": _l("alt, også å annullere utsagn som andre nøkler har skrevet"),
}
"""What each scope of ``xapi.lrs.credentials.SCOPES`` allows, in words."""


NewKeyForm = key_form(
    credentials.SCOPES,
    default=credentials.DEFAULT_SCOPES,
    description=_l("Hvem eller hva nøkkelen er til, for eksempel «Rapportverktøy»."),
)


def _render(form, created: NewKey | None = None, status: int = 200):
    endpoint = f"{_home_page()}/xapi"
    count = queries.statement_count(db.session)
    intro = [
        _(
            "Det innebygde læringsregisteret tar imot xAPI-utsagn på %(endpoint)s. Programmer som "
            "skal lese eller skrive der, logger inn med en nøkkel og en hemmelighet (HTTP Basic).",
            endpoint=endpoint,
        ),
        ngettext("Registeret har %(num)s utsagn.", "Registeret har %(num)s utsagn.", count),
    ]
    rows = [
        KeyRow(
            key.name,
            key.key,
            key.scopes,
            key.created_at,
            None,
            key.last_used_at,
            key.revoked_at,
            url_for("lrs_admin.revoke", key=key.key),
        )
        for key in credentials.list_keys(db.session)
    ]
    return render_key_page(
        title=_("Læringsregister (LRS)"),
        intro=intro,
        form=form,
        action=url_for("lrs_admin.index"),
        scope_texts=SCOPE_TEXTS,
        rows=rows,
        created=created,
        status=status,
    )


@admin_bp.route("/", methods=["GET", "POST"])
@top_admin_only
def index():
    form = NewKeyForm()
    if not form.validate_on_submit():
        return _render(form, status=INVALID if form.errors else 200)
    key, secret = credentials.create_key(db.session, form.name.data, form.scopes.data)
    record_by_user("lrs_key.create", "lrs_key", key, {"scopes": form.scopes.data})
    facts = [(_("Nøkkel"), key, "new-key"), (_("Hemmelighet"), secret, "new-secret")]
    return _render(NewKeyForm(formdata=None), created=NewKey(form.name.data, facts))


@admin_bp.route("/<key>/revoke", methods=["POST"])
@top_admin_only
def revoke(key: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if credentials.revoke(db.session, key):
        record_by_user("lrs_key.revoke", "lrs_key", key)
        flash(_("Nøkkelen %(key)s er trukket tilbake.", key=key), "success")
    else:
        flash(_("Fant ingen aktiv nøkkel %(key)s.", key=key), "error")
    return redirect(url_for("lrs_admin.index"))


# Commands -----------------------------------------------------------------------------------------


@click.group("lrs")
def lrs_group() -> None:
    """The built-in LRS: the keys its clients use."""


@lrs_group.command("create-key")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(credentials.SCOPES),
    help="A scope the key holds (repeat for several); default: " + " ".join(credentials.DEFAULT_SCOPES),
)
@with_appcontext
def create_key_command(name: str, scopes: tuple[str, ...]) -> None:
    """Make a key for NAME; prints KEY:SECRET (the secret is shown only this once)."""
    try:
        key, secret = credentials.create_key(db.session, name, scopes or credentials.DEFAULT_SCOPES)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    db.session.commit()
    click.echo(f"{key}:{secret}")
    click.echo(
        f"Endpoint {_home_page()}/xapi; HTTP Basic with the key as user and the secret as "
        "password. The secret is shown only this once.",
        err=True,
    )


@lrs_group.command("keys")
@with_appcontext
def keys_command() -> None:
    """List the keys: key, state, created, last used, scopes, name."""
    for found in credentials.list_keys(db.session):
        state = f"revoked {_when(found.revoked_at)}" if found.revoked_at else "active"
        click.echo(
            f"{found.key}  {state}  created {_when(found.created_at)}  "
            f"last used {_when(found.last_used_at)}  {','.join(found.scopes)}  {found.name}"
        )


@lrs_group.command("revoke")
@click.argument("key")
@with_appcontext
def revoke_command(key: str) -> None:
    """Revoke KEY: clients using it are refused from now on."""
    if not credentials.revoke(db.session, key):
        raise click.ClickException(f"no active key {key}")
    db.session.commit()
    click.echo(f"revoked {key}")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


feature = Feature(name="lrs", blueprints=(api_bp, admin_bp), cli=(lrs_group,))
