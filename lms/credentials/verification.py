"""Checking a VC-JWT credential: its signature against the issuer's DID document, the issuer, the
status list and the validity period, each said plainly. The platform's own issuers are resolved
from the database; any other ``did:web`` issuer is fetched over the network."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.credentials import keys, securing, statuslist
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Unit

FETCH_TIMEOUT_SECONDS = 5


class Unresolvable(RuntimeError):
    """The issuer's DID document or status list could not be fetched or read."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    credential: dict = field(default_factory=dict)
    issuer: str = ""
    issuer_name: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def title(self) -> str:
        subject = self.credential.get("credentialSubject") or {}
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        return str((achievement or {}).get("name") or self.credential.get("name") or "")


def fetch_json(url: str) -> dict:
    """GET a JSON document; tests replace this."""
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as problem:
        raise Unresolvable(url) from problem


def fetch_text(url: str) -> str:
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.text
    except requests.RequestException as problem:
        raise Unresolvable(url) from problem


def local_unit(did: str) -> Unit | None:
    """The municipality of this platform that ``did`` names, if any."""
    match = re.fullmatch(r"(.*):issuers:(\d+)", did)
    if match is None:
        return None
    unit = db.session.get(Unit, int(match.group(2)))
    return unit if unit is not None and keys.did_for(unit.id) == did else None


def did_document(did: str) -> dict:
    unit = local_unit(did)
    if unit is not None:
        return keys.did_document(unit)
    if not did.startswith("did:web:"):
        raise Unresolvable(did)
    return fetch_json(keys.did_url(did))


def trusted(did: str) -> bool:
    """The platform's own municipalities, and the issuers the operator lists."""
    listed = current_app.config.get("CREDENTIALS_TRUSTED_ISSUERS") or ""
    names = listed.split(",") if isinstance(listed, str) else listed
    return local_unit(did) is not None or did in {name.strip() for name in names if name.strip()}


def moment(text: object) -> datetime | None:
    """A date-time the credential gives, in UTC (one without a zone is taken as UTC)."""
    try:
        parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def verify(token: str, now: datetime | None = None) -> Verification:
    now = now or utcnow()
    result = Verification()
    try:
        header, payload = securing.unverified(token)
    except securing.Unreadable:
        result.checks.append(
            Check("format", False, str(_l("Filen er ikke et signert mikrobevis (VC-JWT).")))
        )
        return result
    result.credential = payload if isinstance(payload, dict) else {}
    issuer = result.credential.get("issuer")
    result.issuer = str(issuer.get("id") if isinstance(issuer, dict) else issuer or "")
    result.issuer_name = str(issuer.get("name", "")) if isinstance(issuer, dict) else ""
    issuer_check = _issuer(result.issuer)
    if not issuer_check.ok:
        # Nothing is fetched for an issuer nobody has vouched for: a credential's DID and status
        # URL are the uploader's words, and the platform must not fetch whatever they name.
        result.checks += [issuer_check, _unchecked("signature"), _period(result.credential, now)]
        return result
    signature = _signature(token, header, result.issuer)
    result.checks += [signature, issuer_check, _period(result.credential, now)]
    # An unsigned status URL is not followed either.
    result.checks.append(_status(result.credential, result.issuer) if signature.ok else _unread_status())
    return result


def _unread_status() -> Check:
    return Check("status", False, str(_l("Ikke sjekket, fordi signaturen ikke stemmer.")))


def _unchecked(name: str) -> Check:
    return Check(name, False, str(_l("Ikke sjekket, fordi utstederen ikke er godkjent.")))


def _signature(token: str, header: dict, issuer: str) -> Check:
    kid = str(header.get("kid", ""))
    if not issuer or not kid.startswith(issuer + "#"):
        return Check("signature", False, str(_l("Nøkkelen som signerte hører ikke til utstederen.")))
    try:
        document = did_document(issuer)
    except Unresolvable:
        return Check("signature", False, str(_l("Utstederens nøkler kunne ikke hentes.")))
    methods = [m for m in document.get("verificationMethod", []) if m.get("id") == kid]
    if not methods or not securing.signature_holds(token, methods[0].get("publicKeyJwk", {})):
        return Check(
            "signature", False, str(_l("Signaturen stemmer ikke: beviset er endret eller falskt."))
        )
    return Check("signature", True, str(_l("Signaturen er ekte, og beviset er ikke endret.")))


def _issuer(issuer: str) -> Check:
    if trusted(issuer):
        return Check("issuer", True, str(_l("Utstederen er på listen over godkjente utstedere.")))
    return Check("issuer", False, str(_l("Utstederen er ikke på listen over godkjente utstedere.")))


def _period(credential: dict, now: datetime) -> Check:
    valid_from = moment(credential.get("validFrom"))
    valid_until = moment(credential.get("validUntil")) if credential.get("validUntil") else None
    if valid_from is None or valid_from > now:
        return Check("period", False, str(_l("Beviset gjelder ikke ennå, eller mangler dato.")))
    if valid_until is not None and valid_until <= now:
        return Check("period", False, str(_l("Beviset er utløpt.")))
    return Check("period", True, str(_l("Beviset er innenfor gyldighetstiden.")))


def _status(credential: dict, issuer: str) -> Check:
    status = credential.get("credentialStatus")
    if not status:
        return Check(
            "status", True, str(_l("Beviset har ingen statusliste og kan ikke trekkes tilbake."))
        )
    try:
        revoked = is_revoked(status, issuer)
    except (Unresolvable, KeyError, ValueError, TypeError):
        return Check("status", False, str(_l("Statuslisten kunne ikke leses.")))
    if revoked:
        return Check("status", False, str(_l("Beviset er trukket tilbake av utstederen.")))
    return Check("status", True, str(_l("Beviset er ikke trukket tilbake.")))


def is_revoked(status: dict, issuer: str) -> bool:
    entry = status[0] if isinstance(status, list) else status
    index = int(entry["statusListIndex"])
    unit = local_unit(issuer)
    if unit is not None and entry["statusListCredential"] == statuslist.list_url(unit.id):
        return index in set(statuslist.revoked_indexes(unit.id))
    token = fetch_text(entry["statusListCredential"])
    header, payload = securing.unverified(token)
    if _signature(token, header, issuer).ok is False or payload.get("issuer") != issuer:
        raise Unresolvable("the status list is not the issuer's")
    return statuslist.bit_is_set(payload["credentialSubject"]["encodedList"], index)
