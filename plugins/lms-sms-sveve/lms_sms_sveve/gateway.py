"""Sveve's HTTP API (https://sveve.no/apidok/send), as far as the plugin uses it.

- Sending: ``POST <SVEVE_URL>/SMS/SendMessage`` with the form fields ``user``, ``passwd``, ``to``,
  ``msg``, ``from`` and ``f=json``. The answer is ``{"response": {"msgOkCount": 1,
  "stdSMSCount": 1, "ids": [123]}}``; a refused request has ``fatalError`` (e.g. a wrong password)
  or ``errors`` (``[{"number": ..., "message": ...}]``, per number) in ``response``.
- Balance: ``GET <SVEVE_URL>/SMS/AccountAdm?cmd=sms_count&user=...&passwd=...`` answers the
  number of SMS left on the account as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping

import phonenumbers
import requests

from lms_sms_sveve import records

TIMEOUT_SECONDS = 10


class SveveError(RuntimeError):
    """Sveve refused a request, or did not answer as documented; the text says what it said."""


class InvalidNumber(ValueError):
    """A phone number that is not a valid mobile or fixed number."""


def e164(phone: str) -> str:
    """``phone`` in E.164 (``+4791234567``); a number without a country code is Norwegian."""
    try:
        number = phonenumbers.parse(phone, "NO")
    except phonenumbers.NumberParseException as error:
        raise InvalidNumber(f"«{phone}» is not a phone number") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidNumber(f"«{phone}» is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class SveveGateway:
    """The SMS gateway ``sveve``: ``send(phone, text)`` as ``lms.signals.sms_gateways`` asks."""

    def __init__(self, config: Mapping) -> None:
        self.url = str(config["SVEVE_URL"]).rstrip("/")
        self.user = config["SVEVE_USER"] or ""
        self.password = config["SVEVE_PASSWORD"] or ""
        self.sender = config["SVEVE_SENDER"]
        self.instance_path = config["INSTANCE_PATH"]

    def send(self, phone: str, text: str) -> list[int]:
        """Send ``text`` to ``phone``; returns Sveve's message ids and records the sending."""
        to = e164(phone)
        answer = self._response(
            requests.post(
                f"{self.url}/SMS/SendMessage",
                data={
                    "user": self.user,
                    "passwd": self.password,
                    "to": to,
                    "msg": text,
                    "from": self.sender,
                    "f": "json",
                },
                timeout=TIMEOUT_SECONDS,
            )
        )
        ids = [int(found) for found in answer.get("ids") or ()]
        records.record_sent(self.instance_path, to, ids)
        return ids

    def remaining(self) -> int:
        """How many SMS the account has left."""
        reply = requests.get(
            f"{self.url}/SMS/AccountAdm",
            params={"cmd": "sms_count", "user": self.user, "passwd": self.password},
            timeout=TIMEOUT_SECONDS,
        )
        reply.raise_for_status()
        try:
            return int(reply.text.strip())
        except ValueError:
            raise SveveError(f"Sveve answered the balance with «{reply.text.strip()[:200]}»") from None

    @staticmethod
    def _response(reply: requests.Response) -> dict:
        reply.raise_for_status()
        try:
            answer = reply.json()["response"]
        except (ValueError, KeyError, TypeError):
            raise SveveError(f"Sveve answered «{reply.text[:200]}», not its JSON") from None
        if answer.get("fatalError"):
            raise SveveError(answer["fatalError"])
        if answer.get("errors"):
            raise SveveError("; ".join(f"{e['number']}: {e['message']}" for e in answer["errors"]))
        return answer
