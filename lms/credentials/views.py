"""The wallet, the downloads, the share link and importing; the public verification page, the DID
documents and the status lists; an admin's list and revocation of a person's credentials."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import for_owner, for_person, public, signed_in
from lms.competence.services import competences_by_code
from lms.core.errors import INVALID
from lms.core.gone import already_gone
from lms.credentials import baking, importing, issuing, keys, pdf, securing, services, statuslist
from lms.credentials.document import iso
from lms.credentials.models import Credential, LearnerNaming
from lms.credentials.verification import verify
from lms.db import utcnow
from lms.extensions import db, limiter
from lms.organisation.models import Person, Role, Unit

bp = Blueprint("credentials", __name__)

UPLOAD_MAX_BYTES = 1024 * 1024
VERIFY_LIMIT = "30/minute"
"""Checks of uploaded credentials per address (each may fetch a trusted issuer's keys)."""


# The person's wallet ---------------------------------------------------------------------------


@bp.route("/credentials/me")
@signed_in
def mine():
    return render_template(
        "credentials/mine.html",
        credentials=services.credentials_of(current_user.id),
        imports=services.imports_of(current_user.id),
        naming=issuing.preference(current_user).naming,
        namings=LearnerNaming,
        now=utcnow(),
    )


@bp.route("/credentials/naming", methods=["POST"])
@signed_in
def naming():
    chosen = request.form.get("naming", "")
    if chosen not in {item.value for item in LearnerNaming}:
        abort(400)
    issuing.preference(current_user).naming = LearnerNaming(chosen)
    flash(_("Valget gjelder bevis du får fra nå av."), "success")
    return redirect(url_for("credentials.mine"))


def _download(body: bytes | str, mimetype: str, credential: Credential, extension: str):
    response = make_response(body)
    response.mimetype = mimetype
    name = f"mikrobevis-{credential.uuid[:8]}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def share_url(credential: Credential) -> str:
    return url_for("credentials.shared", share_token=credential.share_token, _external=True)


@bp.route("/credentials/<int:credential_id>/credential.jwt")
@for_owner(Credential, "credential_id")
def download_jwt(credential: Credential):
    return _download(credential.token, securing.MEDIA_TYPE, credential, "jwt")


@bp.route("/credentials/<int:credential_id>/credential.json")
@for_owner(Credential, "credential_id")
def download_json(credential: Credential):
    """The signed credential with its decoded content beside it, for reading."""
    _header, payload = securing.unverified(credential.token)
    body = {"verifiableCredential": credential.token, "decoded": payload}
    text = json.dumps(body, ensure_ascii=False, indent=2)
    return _download(text, "application/json", credential, "json")


@bp.route("/credentials/<int:credential_id>/badge.png")
@for_owner(Credential, "credential_id")
def download_png(credential: Credential):
    png = baking.bake(baking.badge_png(share_url(credential)), credential.token)
    return _download(png, "image/png", credential, "png")


@bp.route("/credentials/<int:credential_id>/kursbevis.pdf")
@for_owner(Credential, "credential_id")
def download_pdf(credential: Credential):
    _header, payload = securing.unverified(credential.token)
    identity = payload["credentialSubject"]["identifier"][0]
    named = identity["identityHash"] if not identity.get("hashed") else _("(navn ikke oppgitt)")
    rows = [
        (_("Tildelt"), named),
        (_("Bevis for"), credential.title),
        (_("Utstedt av"), payload["issuer"]["name"] + ", Norge"),
        (_("Dato"), credential.issued_at.date().isoformat()),
        (_("Læringsutbytte"), payload["credentialSubject"]["achievement"]["criteria"]["narrative"]),
    ]
    if credential.expires_at:
        rows.append((_("Gyldig til"), credential.expires_at.date().isoformat()))
    rows.append((_("Sjekk beviset"), _("Skann koden eller åpne lenken under.")))
    document = pdf.kursbevis(_("Kursbevis"), rows, share_url(credential))
    return _download(document, "application/pdf", credential, "pdf")


@bp.route("/credentials/<int:credential_id>/share", methods=["POST"])
@for_owner(Credential, "credential_id")
def share(credential: Credential):
    on = request.form.get("shared") == "1"
    services.set_shared(credential, on)
    flash(_("Delingslenken er slått på.") if on else _("Delingslenken er slått av."), "success")
    return redirect(url_for("credentials.mine"))


@bp.route("/credentials/import", methods=["GET", "POST"])
@signed_in
def import_():
    error = None
    if request.method == "POST":
        try:
            imported = importing.import_credential(current_user, _uploaded_token())
        except importing.Refused as problem:
            error = str(problem)
        else:
            if imported.evidence_id:
                flash(_("Beviset er godkjent og lagt til i kompetansen din."), "success")
            else:
                flash(
                    _("Beviset er godkjent og lagret. Det svarer ikke til en kompetanse her."), "success"
                )
            return redirect(url_for("credentials.mine"))
    return render_template("credentials/import.html", error=error), (INVALID if error else 200)


def _uploaded_token() -> str:
    """The credential from the form: a file (a JWT, our JSON download or a baked PNG) or pasted."""
    upload = request.files.get("file")
    if upload and upload.filename:
        data = upload.read(UPLOAD_MAX_BYTES + 1)
        if len(data) > UPLOAD_MAX_BYTES:
            raise importing.Refused(_("Filen er for stor."))
        return token_from_bytes(data)
    return token_from_bytes(request.form.get("text", "").encode())


def token_from_bytes(data: bytes) -> str:
    """The VC-JWT in an upload: a baked PNG, our JSON download, or the JWT itself."""
    if data.startswith(baking.SIGNATURE):
        return baking.unbake(data) or ""
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            return str(json.loads(text).get("verifiableCredential", ""))
        except (ValueError, AttributeError):
            return ""
    return text


# Public ----------------------------------------------------------------------------------------


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(VERIFY_LIMIT, methods=["POST"])
def check():
    result = None
    if request.method == "POST":
        try:
            token = _uploaded_token()
        except importing.Refused as problem:
            return render_template("credentials/verify.html", too_big=str(problem)), INVALID
        result = verify(token)
    return render_template("credentials/verify.html", result=result)


@bp.route("/verify/<share_token>")
@public
def shared(share_token: str):
    credential = services.shared(share_token)
    if credential is None:
        abort(404)
    return render_template("credentials/verify.html", result=verify(credential.token), link=True)


def _municipality(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.parent_id is not None or not keys.keys_of(unit.id):
        abort(404)
    return unit


@bp.route("/issuers/<int:unit_id>/did.json")
@public
def did_document(unit_id: int):
    response = jsonify(keys.did_document(_municipality(unit_id)))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/issuers/<int:unit_id>/status/<int:number>")
@public
def status_list(unit_id: int, number: int):
    unit = _municipality(unit_id)
    if number != statuslist.LIST_NUMBER:
        abort(404)
    body = statuslist.status_list_credential(unit.id, keys.did_for(unit.id), iso(utcnow()))
    try:
        response = make_response(securing.sign(body, keys.current_key(unit)))
    except keys.KeyUnreadable as problem:
        current_app.logger.error("status list not signed: %s", problem)
        unsigned = "The status list cannot be signed now; try again later."
        return Response(unsigned, 503, {"Retry-After": "300"}, mimetype="text/plain")
    response.mimetype = securing.MEDIA_TYPE
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "max-age=300"
    return response


@bp.route("/credentials/achievements/<code>")
@public
def achievement(code: str):
    """What an achievement id names: the competence's code, titles and descriptions."""
    competence = competences_by_code([code]).get(code)
    if competence is None:
        return jsonify({"id": request.url, "humanCode": code})
    return jsonify(
        {
            "id": request.url,
            "humanCode": competence.code,
            "name": competence.titles,
            "description": competence.descriptions,
            "alignment": competence.mappings or [],
        }
    )


# Admin -----------------------------------------------------------------------------------------


@bp.route("/admin/people/<int:person_id>/credentials")
@for_person("person_id", roles={Role.ADMIN})
def person_credentials(person_id: int):
    person = db.session.get(Person, person_id) or abort(404)
    return render_template(
        "credentials/admin.html",
        person=person,
        credentials=services.credentials_of(person.id),
        imports=services.imports_of(person.id),
        reason_max=services.REASON_MAX,
    )


@bp.route("/admin/people/<int:person_id>/credentials/<int:credential_id>/revoke", methods=["POST"])
@for_person("person_id", roles={Role.ADMIN})
def revoke(person_id: int, credential_id: int):
    credential = db.session.get(Credential, credential_id)
    if credential is None or credential.person_id != person_id:
        abort(404)
    if credential.revoked_at is not None:
        already_gone(
            _("Beviset er allerede trukket tilbake."),
            url_for("credentials.person_credentials", person_id=person_id),
        )
    try:
        services.revoke(credential, request.form.get("reason", ""), current_user)
    except services.RevocationError:
        flash(_("Skriv hvorfor beviset trekkes tilbake."), "error")
        return redirect(url_for("credentials.person_credentials", person_id=person_id))
    flash(_("Beviset er trukket tilbake."), "success")
    return redirect(url_for("credentials.person_credentials", person_id=person_id))
