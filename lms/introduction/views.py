"""The introduction pages: "Din introduksjon" for the newcomer, the newcomer's page for their
mentor and manager, the managers' list of newcomers, and the programmes of a unit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import acted_on_unit_ids, for_unit, signed_in
from lms.audit import services as audit
from lms.content.localised import pick
from lms.core.errors import INVALID
from lms.core.gone import already_gone
from lms.core.time import local_today
from lms.extensions import db
from lms.introduction import services
from lms.introduction.forms import ItemForm, MentorForm, ProgrammeForm, SignOffForm
from lms.introduction.models import DueRule, Enrolment, ItemKind, Programme, ProgrammeItem
from lms.organisation.models import JOB_TITLES, Role, Unit
from lms.organisation.services import ancestors, unit_ids_below, units_in
from lms.workshops.pages import series_in_units

bp = Blueprint("introduction", __name__)

MANAGING = (Role.MANAGER, Role.ADMIN)

# The newcomer ---------------------------------------------------------------------------------


@bp.route("/introduction")
@signed_in
def mine():
    """ "Din introduksjon": the person's programmes, what is due before which shift or date."""
    return render_template(
        "introduction/mine.html", newcomers=services.programmes_of(current_user), today=local_today()
    )


# Mentors and managers -------------------------------------------------------------------------


@bp.route("/introduction/newcomers")
@signed_in
def newcomers():
    """The person's mentees, and everyone in their first weeks in the units they manage."""
    managed = acted_on_unit_ids(current_user, services.MANAGING_ROLES)
    return render_template(
        "introduction/newcomers.html",
        mentees=services.mentees_of(current_user),
        managed=services.newcomers_in(managed, local_today()) if managed else [],
        units=[u for u in units_in(managed) if u.depth == 0],
        today=local_today(),
    )


def _newcomer(enrolment_id: int) -> services.Newcomer:
    """The enrolment and where it stands, if the signed-in person may see it (else 403)."""
    newcomer = services.enrolment_with_standing(enrolment_id)
    if newcomer is None:
        abort(404)
    if not services.may_see(current_user, newcomer.enrolment):
        abort(403)
    return newcomer


def _newcomer_page(newcomer: services.Newcomer, sign_off_form=None, mentor_form=None, status=200):
    enrolment = newcomer.enrolment
    may_sign = services.may_sign_off(current_user, enrolment)
    manages = services.manages(current_user, enrolment)
    if may_sign and sign_off_form is None:
        sign_off_form = SignOffForm(done_on=local_today())
    if sign_off_form is not None:
        sign_off_form.item.choices = _practical_choices(enrolment)
    if manages and mentor_form is None:
        mentor_form = MentorForm(mentor=enrolment.mentor_id or 0)
    if mentor_form is not None:
        mentor_form.mentor.choices = [(0, _("Ingen"))] + [
            (p.id, p.name) for p in services.mentor_choices(enrolment)
        ]
    page = render_template(
        "introduction/newcomer.html",
        newcomer=newcomer,
        sign_off_form=sign_off_form if may_sign else None,
        mentor_form=mentor_form if manages else None,
        today=local_today(),
    )
    return page, status


def _practical_choices(enrolment: Enrolment) -> list[tuple[int, str]]:
    return [(i.id, i.title) for i in enrolment.programme.items if i.kind is ItemKind.SIGN_OFF]


@bp.route("/introduction/newcomers/<int:enrolment_id>")
@signed_in
def newcomer(enrolment_id: int):
    """One newcomer's programme: the newcomer, their mentor, and the unit's managers (403 else)."""
    return _newcomer_page(_newcomer(enrolment_id))


@bp.route("/introduction/newcomers/<int:enrolment_id>/sign-off", methods=["POST"])
@signed_in
def sign_off(enrolment_id: int):
    """The mentor or a manager ticks a practical item as "vist og gjennomgått"."""
    found = _newcomer(enrolment_id)
    enrolment = found.enrolment
    if not services.may_sign_off(current_user, enrolment):
        abort(403)
    form = SignOffForm()
    form.item.choices = _practical_choices(enrolment)
    if not form.validate_on_submit():
        return _newcomer_page(found, sign_off_form=form, status=INVALID)
    item = db.session.get(ProgrammeItem, form.item.data)
    services.sign_off(enrolment, item, current_user, form.done_on.data)
    flash(_("«%(item)s» er vist og gjennomgått.", item=item.title), "success")
    return redirect(url_for(".newcomer", enrolment_id=enrolment.id))


@bp.route("/introduction/newcomers/<int:enrolment_id>/mentor", methods=["POST"])
@signed_in
def set_mentor(enrolment_id: int):
    """A manager of the unit names the newcomer's mentor (someone else in the unit)."""
    found = _newcomer(enrolment_id)
    enrolment = found.enrolment
    if not services.manages(current_user, enrolment):
        abort(403)
    form = MentorForm()
    choices = {p.id: p for p in services.mentor_choices(enrolment)}
    form.mentor.choices = [(0, _("Ingen"))] + [(pid, p.name) for pid, p in choices.items()]
    if not form.validate_on_submit():
        return _newcomer_page(found, mentor_form=form, status=INVALID)
    services.set_mentor(enrolment, choices.get(form.mentor.data))
    flash(_("Fadderen er lagret."), "success")
    return redirect(url_for(".newcomer", enrolment_id=enrolment.id))


# Programmes -----------------------------------------------------------------------------------


def _unit_page(template: str, unit_id: int, status: int = 200, **context):
    unit = db.get_or_404(Unit, unit_id)
    page = render_template(template, unit=unit, path=ancestors(unit), job_titles=JOB_TITLES, **context)
    return page, status


@bp.route("/units/<int:unit_id>/introduction")
@for_unit(*MANAGING)
def programmes(unit_id: int):
    """The unit's introduction programmes, and a form for a new one."""
    return _unit_page(
        "introduction/programmes.html",
        unit_id,
        programmes=services.programmes_in([unit_id]),
        form=ProgrammeForm(),
    )


@bp.route("/units/<int:unit_id>/introduction", methods=["POST"])
@for_unit(*MANAGING)
def new_programme(unit_id: int):
    form = ProgrammeForm()
    if not form.validate_on_submit():
        programmes = services.programmes_in([unit_id])
        page = "introduction/programmes.html"
        return _unit_page(page, unit_id, INVALID, programmes=programmes, form=form)
    programme = services.create_programme(unit_id, form.title.data, form.job_title.data, current_user)
    flash(_("Programmet er laget. Legg til punktene."), "success")
    return redirect(url_for(".programme", unit_id=unit_id, programme_id=programme.id))


def _programme(unit_id: int, programme_id: int) -> Programme:
    """The programme, if it belongs to the unit (else 404)."""
    programme = db.get_or_404(Programme, programme_id)
    if programme.unit_id != unit_id:
        abort(404)
    return programme


def _item_form(unit_id: int, form: ItemForm | None = None) -> ItemForm:
    form = form or ItemForm()
    locale = str(get_locale())
    modules = services.published_modules()
    form.module.choices = [("", _("Velg modul"))] + [
        (m.id, pick(m.current_version.manifest["title"], locale)) for m in modules
    ]
    series = series_in_units(unit_ids_below([unit_id]))
    form.series.choices = [("", _("Velg samlingsrekke"))] + [
        (str(s.id), s.title) for s in series if s.closed_at is None
    ]
    return form


def _programme_page(unit_id: int, programme: Programme, status: int = 200, **forms):
    forms.setdefault("form", ProgrammeForm(obj=programme, job_title=programme.job_title or ""))
    forms.setdefault("item_form", _item_form(unit_id))
    return _unit_page(
        "introduction/programme.html",
        unit_id,
        status,
        programme=programme,
        DueRule=DueRule,
        **forms,
    )


@bp.route("/units/<int:unit_id>/introduction/<int:programme_id>")
@for_unit(*MANAGING)
def programme(unit_id: int, programme_id: int):
    return _programme_page(unit_id, _programme(unit_id, programme_id))


@bp.route("/units/<int:unit_id>/introduction/<int:programme_id>", methods=["POST"])
@for_unit(*MANAGING)
def save_programme(unit_id: int, programme_id: int):
    programme = _programme(unit_id, programme_id)
    form = ProgrammeForm()
    if not form.validate_on_submit():
        return _programme_page(unit_id, programme, INVALID, form=form)
    services.update_programme(programme, form.title.data, form.job_title.data, current_user)
    flash(_("Endringene er lagret."), "success")
    return redirect(url_for(".programme", unit_id=unit_id, programme_id=programme.id))


@bp.route("/units/<int:unit_id>/introduction/<int:programme_id>/items", methods=["POST"])
@for_unit(*MANAGING)
def add_item(unit_id: int, programme_id: int):
    programme = _programme(unit_id, programme_id)
    form = _item_form(unit_id, ItemForm())
    if not form.validate_on_submit():
        return _programme_page(unit_id, programme, INVALID, item_form=form)
    kind = ItemKind(form.kind.data)
    title = _item_title(form, kind)
    services.add_item(
        programme,
        kind,
        title,
        DueRule(form.due_rule.data),
        form.due_count.data,
        module_id=form.module.data or None,
        series_id=int(form.series.data) if form.series.data else None,
    )
    flash(_("«%(item)s» er lagt til.", item=title), "success")
    return redirect(url_for(".programme", unit_id=unit_id, programme_id=programme.id))


def _item_title(form: ItemForm, kind: ItemKind) -> str:
    """What the newcomer sees: the chosen module's or series' name, or the practical item."""
    chosen = {ItemKind.MODULE: form.module, ItemKind.WORKSHOP: form.series}.get(kind)
    if chosen is None:
        return form.title.data
    return dict(chosen.choices)[chosen.data]


@bp.route(
    "/units/<int:unit_id>/introduction/<int:programme_id>/items/<int:item_id>/remove",
    methods=["POST"],
)
@for_unit(*MANAGING)
def remove_item(unit_id: int, programme_id: int, item_id: int):
    programme = _programme(unit_id, programme_id)
    back = url_for(".programme", unit_id=unit_id, programme_id=programme.id)
    item = db.session.get(ProgrammeItem, item_id)
    if item is None and audit.removed_from(
        "introduction.item_remove", "programme_item", item_id, {unit_id}, programme_id=programme.id
    ):
        already_gone(_("Punktet er allerede fjernet fra programmet."), back)
    if item is None or item.programme_id != programme.id:
        abort(404)
    services.remove_item(item, current_user._get_current_object())
    flash(_("«%(item)s» er fjernet.", item=item.title), "success")
    return redirect(back)
