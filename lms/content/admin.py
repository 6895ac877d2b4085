"""Admin pages for modules: the installed modules and their versions, uploading a package as a zip
(installed as a draft after validation, with a report naming every problem), and publishing a draft.

Modules are shared by the whole installation, so only an admin of a top unit manages them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SubmitField
from wtforms.validators import Length, ValidationError

from lms import signals
from lms.access import acted_on_unit_ids, is_top_admin, top_admin_only
from lms.accounts.services import find_person_by_email
from lms.audit.services import record_by_user
from lms.content import services
from lms.content.governance import REVIEW_LABELS
from lms.content.localised import Localised
from lms.content.models import LearningModule, ModuleVersion, VersionStatus
from lms.content.problems import InvalidPackage
from lms.content.upload import display_name, install_zip
from lms.core.errors import INVALID, render_error
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment

bp = Blueprint("content_admin", __name__, url_prefix="/admin/modules")

"""A refused package: the request wrapper rolls back, and nothing was installed."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_LABEL = "20 MB"

STATUS_LABELS = {
    VersionStatus.DRAFT: _l("Utkast"),
    VersionStatus.PUBLISHED: _l("Publisert"),
    VersionStatus.RETIRED: _l("Erstattet"),
}
CARD_TYPE_LABELS = {
    "text": _l("Tekst"),
    "image": _l("Bilde"),
    "video": _l("Video"),
    "single_choice": _l("Enkeltvalg"),
    "multiple_choice": _l("Flervalg"),
    "true_false": _l("Sant eller usant"),
    "ordering": _l("Rekkefølge"),
    "reflection": _l("Refleksjon"),
    "poll": _l("Avstemning"),
    "likert": _l("Skala"),
    "practice": _l("Prøv på vakt"),
}
"""Names of the built-in card types; a plugin's type is shown by its own name."""


def _zip_only(_form, field) -> None:
    if field.data and not (field.data.filename or "").lower().endswith(".zip"):
        raise ValidationError(_l("Velg en zip-fil (.zip)."))


class UploadForm(FlaskForm):
    file = FileField(
        _l("Zip-fil med modulpakken"),
        validators=[FileRequired(message=_l("Velg en fil.")), _zip_only],
        render_kw={"accept": ".zip,application/zip"},
        description=_l(
            "Pakken valideres før noe installeres, og blir et utkast som du publiserer etterpå. "
            "Høyst %(size)s.",
            size=MAX_UPLOAD_LABEL,
        ),
    )
    submit = SubmitField(_l("Last opp og valider"))


def _strip(value: str | None) -> str:
    return (value or "").strip()


class OwnerForm(FlaskForm):
    email = EmailField(
        _l("E-postadressen til eieren"),
        filters=[_strip],
        validators=[Length(max=254)],
        description=_l(
            "Eieren får e-post 60 dager før gjennomgangsdatoen og når den er passert. "
            "La feltet stå tomt for å fjerne eieren."
        ),
    )
    submit = SubmitField(_l("Lagre eier"))


@bp.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, _values) -> None:
    """The upload's own size limit. URL value preprocessors run before ``before_request`` (where
    the CSRF check reads the form), so the limit holds before the body is read."""
    if endpoint == "content_admin.upload":
        request.max_content_length = MAX_UPLOAD_BYTES


@bp.errorhandler(413)
def _too_large(_error):
    """The body was refused before the view ran (so before ``top_admin_only``): only an admin of a
    top unit sees the module list again, with the message at the file field."""
    message = _("Filen er for stor. En modulpakke kan være høyst %(size)s.", size=MAX_UPLOAD_LABEL)
    if not (current_user.is_authenticated and is_top_admin(current_user)):
        return render_error(413, message)
    form = UploadForm(formdata=None)
    form.file.errors = [message]
    return _render_index(form), 413


# The list -------------------------------------------------------------------------------------------


@dataclass
class ModuleRow:
    id: str
    title: Localised
    current: ModuleVersion | None
    owner: Person | None = None
    versions: list[ModuleVersion] = field(default_factory=list)

    @property
    def shown(self) -> ModuleVersion:
        """The version whose governance the list shows: the published one, else the newest."""
        return self.current or self.versions[0]


def modules_overview() -> tuple[list[ModuleRow], dict[int, int]]:
    """Every module with its owner and versions, newest first, and the number of attempts per
    version: two queries, however many modules and versions there are."""
    rows = db.session.execute(
        sa.select(ModuleVersion, LearningModule.current_version_id, Person)
        .join(LearningModule, LearningModule.id == ModuleVersion.module_id)
        .outerjoin(Person, Person.id == LearningModule.owner_id)
        .order_by(ModuleVersion.module_id, ModuleVersion.created_at.desc(), ModuleVersion.id.desc())
    )
    modules: dict[str, ModuleRow] = {}
    for version, current_id, owner in rows:
        row = modules.setdefault(
            version.module_id, ModuleRow(version.module_id, version.titles, None, owner)
        )
        row.versions.append(version)
        if version.id == current_id:
            row.current = version
            row.title = version.titles
    ordered = sorted(modules.values(), key=lambda m: (m.title.get("nb") or m.id).casefold())
    return ordered, attempts_per_version()


def attempts_per_version(version_ids: list[int] | None = None) -> Counter[int]:
    """Attempts per module version (``signals.module_version_attempts``; learning answers)."""
    counts: Counter[int] = Counter()
    sent = signals.module_version_attempts.send(
        current_app._get_current_object(), version_ids=version_ids
    )
    for answer in signals.values_from_signal(sent):
        counts.update(answer)
    return counts


def _render_index(form: UploadForm):
    modules, attempts = modules_overview()
    return render_template(
        "content/admin/index.html",
        form=form,
        modules=modules,
        attempts=attempts,
        status_labels=STATUS_LABELS,
        review_labels=REVIEW_LABELS,
        today=local_today(),
    )


@bp.route("/")
@top_admin_only
def index():
    return _render_index(UploadForm())


# Upload ---------------------------------------------------------------------------------------------


@bp.route("/upload", methods=["POST"])
@top_admin_only
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_index(form), INVALID
    file = form.file.data
    try:
        uploaded = install_zip(file.stream, file.filename)
    except InvalidPackage as invalid:
        page = render_template(
            "content/admin/report.html",
            filename=display_name(file.filename),
            problems=invalid.problems,
            max_upload=MAX_UPLOAD_LABEL,
        )
        return page, INVALID
    version = uploaded.version
    if uploaded.created:
        record_by_user("module.upload", "module", version.module_id, {"version": version.version})
        flash(_("Pakken er validert og installert som utkast."), "success")
    else:
        flash(_("Denne pakken var installert fra før. Ingenting er endret."), "info")
    return redirect(url_for("content_admin.version", version_id=version.id))


# One version ----------------------------------------------------------------------------------------


@bp.route("/versions/<int:version_id>")
@top_admin_only
def version(version_id: int):
    version = db.get_or_404(ModuleVersion, version_id)
    owner = version.module.owner
    return _render_version(version, OwnerForm(data={"email": owner.email if owner else ""}))


def _render_version(version: ModuleVersion, owner_form: OwnerForm):
    attempts = attempts_per_version([version.id])[version.id]
    return render_template(
        "content/admin/version.html",
        version=version,
        module=services.load_version(version),
        attempts=attempts,
        status_labels=STATUS_LABELS,
        type_labels=CARD_TYPE_LABELS,
        owner_form=owner_form,
        review_labels=REVIEW_LABELS,
        today=local_today(),
    )


@bp.route("/versions/<int:version_id>/owner", methods=["POST"])
@top_admin_only
def set_owner(version_id: int):
    """Name the account told before the module's review date: an active person holding a role in
    the admin's municipality; an empty address removes the owner."""
    version = db.get_or_404(ModuleVersion, version_id)
    form = OwnerForm()
    if not form.validate_on_submit():
        return _render_version(version, form), INVALID
    owner = None
    if form.email.data:
        owner = _person_of_municipality(form.email.data)
        if owner is None:
            form.email.errors.append(_("Fant ingen aktiv person med denne e-postadressen i kommunen."))
            return _render_version(version, form), INVALID
    services.set_owner(version.module, owner)
    record_by_user(
        "module.owner", "module", version.module_id, {"owner_id": owner.id if owner else None}
    )
    if owner is None:
        flash(_("Modulen har ingen eier nå."), "success")
    else:
        flash(_("%(name)s er eier av modulen.", name=owner.name), "success")
    return redirect(url_for("content_admin.version", version_id=version.id))


def _person_of_municipality(email: str) -> Person | None:
    """The active person with ``email`` if they hold a role in a unit the admin acts on."""
    person = find_person_by_email(email)
    if person is None or not person.active:
        return None
    units = acted_on_unit_ids(current_user, {Role.ADMIN})
    held = sa.select(RoleAssignment.id).where(
        RoleAssignment.person_id == person.id, RoleAssignment.unit_id.in_(list(units))
    )
    return person if db.session.scalar(held.limit(1)) is not None else None


@bp.route("/versions/<int:version_id>/publish", methods=["POST"])
@top_admin_only
def publish(version_id: int):
    """Publish a draft (the CSRF check guards every POST): new attempts start on it, attempts
    under way stay on the version they started."""
    version = db.get_or_404(ModuleVersion, version_id)
    title = version.title(str(get_locale()))
    if version.status is not VersionStatus.DRAFT:
        flash(_("Bare et utkast kan publiseres."), "error")
        return redirect(url_for("content_admin.version", version_id=version.id))
    services.publish_version(version)
    record_by_user("module.publish", "module", version.module_id, {"version": version.version})
    flash(_("%(title)s %(version)s er publisert.", title=title, version=version.version), "success")
    return redirect(url_for("content_admin.index"))
