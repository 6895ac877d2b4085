"""Signing in through the installation's OpenID provider: authorization code flow with PKCE, state
and nonce (Authlib's Flask client), then the same session as a password or e-mail-link sign-in."""

from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskOAuth2App
from authlib.integrations.flask_client.integration import FlaskIntegration
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from joserfc.errors import JoseError

from lms.access import public
from lms.accounts.sessions import start_session
from lms.core.transactions import read_first
from lms.core.urls import safe_next_url
from lms.extensions import limiter
from lms.sso import services

bp = Blueprint("sso", __name__)

SIGN_IN_FAILED = 401
PROVIDER_TIMEOUT_SECONDS = 10
NEXT_KEY = "sso_next"

REFUSALS = {
    "unreachable": (
        503,
        _l("Innloggingstjenesten svarer ikke"),
        _l(
            "Vi får ikke kontakt med %(name)s akkurat nå. Prøv igjen om litt, eller logg inn med "
            "e-post og passord."
        ),
    ),
    "cancelled": (
        200,
        _l("Innloggingen ble avbrutt"),
        _l("Du avbrøt innloggingen hos %(name)s. Du kan prøve igjen, eller logge inn på en annen måte."),
    ),
    "invalid": (
        SIGN_IN_FAILED,
        _l("Innloggingen kunne ikke bekreftes"),
        _l(
            "Svaret fra %(name)s var ugyldig eller for gammelt, så du er ikke logget inn. "
            "Prøv igjen fra innloggingssiden."
        ),
    ),
    "no_account": (
        SIGN_IN_FAILED,
        _l("Du har ingen konto her"),
        _l(
            "%(name)s kjenner deg, men det finnes ingen konto i Lærevakt for deg. Kontakt lederen "
            "din eller en administrator for å få tilgang."
        ),
    ),
    "closed": (
        SIGN_IN_FAILED,
        _l("Kontoen er ikke aktiv"),
        _l(
            "Kontoen din i Lærevakt er deaktivert, slettet eller stengt fordi sluttdatoen din er "
            "passert. Kontakt lederen din eller en administrator om du trenger tilgang."
        ),
    ),
}
"""Why a sign-in did not happen: HTTP status, heading and explanation (``name``: the provider)."""


def is_configured(app: Flask) -> bool:
    return bool(app.config.get("OIDC_ISSUER") and app.config.get("OIDC_CLIENT_ID"))


def provider_client() -> FlaskOAuth2App:
    """The Authlib client for the configured provider, made once per configuration and app.

    The provider's metadata and keys are fetched on first use (and again while that fails)."""
    config = current_app.config
    if not is_configured(current_app):
        abort(404)
    names = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES")
    key = tuple(config[name] for name in names)
    clients = current_app.extensions.setdefault("lms.sso", {})
    if key not in clients:
        issuer, client_id, client_secret, scopes = key
        clients[key] = FlaskOAuth2App(
            FlaskIntegration("oidc"),
            "oidc",
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": scopes,
                "code_challenge_method": "S256",
                "default_timeout": PROVIDER_TIMEOUT_SECONDS,
            },
        )
    return clients[key]


def claims_options(client: FlaskOAuth2App) -> dict:
    """What the ID token must say besides its signature, nonce and expiry, which Authlib checks."""
    issuer = client.load_server_metadata()["issuer"]
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client.client_id},
    }


def _refused(reason: str):
    status, heading, text = REFUSALS[reason]
    name = current_app.config["OIDC_NAME"]
    page = render_template(
        "sso/refused.html", heading=heading, text=text % {"name": name}, reason=reason
    )
    return page, status


def _failed(response) -> bool:
    return response.status_code == SIGN_IN_FAILED


@bp.route("/login/sso")
@public
def start():
    client = provider_client()
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    session[NEXT_KEY] = safe_next_url(request.args.get("next"))
    callback = current_app.config["BASE_URL"] + url_for("sso.callback")
    try:
        return client.authorize_redirect(callback)
    except (requests.RequestException, ValueError, KeyError) as error:
        current_app.logger.warning("single sign-on: no discovery document: %r", error)
        return _refused("unreachable")


@bp.route("/login/sso/callback")
@public
@limiter.limit(lambda: current_app.config["SIGNIN_RATE_LIMIT"], deduct_when=_failed)
def callback():
    client = provider_client()
    if request.args.get("error") == "access_denied":
        return _refused("cancelled")
    try:
        with read_first():  # a call to the provider: no write lock held meanwhile
            token = client.authorize_access_token(claims_options=claims_options(client))
    except requests.RequestException as error:
        current_app.logger.warning("single sign-on: provider unreachable: %s", error)
        return _refused("unreachable")
    except (AuthlibBaseError, JoseError) as error:
        current_app.logger.warning("single sign-on: answer refused: %r", error)
        return _refused("invalid")
    claims = token.get("userinfo")
    if not claims:
        return _refused("invalid")
    config = current_app.config
    try:
        person = services.person_for_claims(
            claims["iss"],
            claims,
            subject_claim=config["OIDC_SUBJECT_CLAIM"],
            create_people=config["OIDC_CREATE_PEOPLE"],
        )
    except services.MissingClaim:
        return _refused("invalid")
    except services.NoAccount:
        return _refused("no_account")
    except services.AccountClosed:
        return _refused("closed")
    start_session(person, "sso")
    return redirect(session.pop(NEXT_KEY, None) or url_for("core.home"))
