"""Per-account throttling of sign-in that a stranger cannot turn into a lock-out.

Failed sign-ins are limited per client address as well (``LMS_SIGNIN_RATE_LIMIT``, by the limiter
on the views). Per account, counted in the same storage: once an account has had more attempts in
a window than ``LMS_SIGNIN_ACCOUNT_RATE_LIMIT`` allows (it is being guessed at), a client address
that has itself made an attempt on it in that window is refused, and an address that has not may
still try. So each address gets one guess per window at an account under attack, whoever sends
them, while its owner, from an address that has not failed, still signs in with the right password.
The e-mailed sign-in link is never refused by it.

The kinds are counted apart: failed passwords (``PASSWORD``), requests for an e-mailed link
(``LINK``) and for a code by SMS (``SMS``), since each new link or code retires the older ones and a
stranger must not keep doing that (nor keep sending texts to someone's phone), and wrong SMS codes
(``SMS_CODE``), keyed by the phone number instead of the e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

from lms.extensions import limiter

REFUSED_MESSAGE = _l(
    "Det er prøvd for mange ganger på kort tid. Vent litt og prøv igjen, eller be om en "
    "innloggingslenke på e-post."
)


def _per_account() -> RateLimitItem:
    return parse(current_app.config["SIGNIN_ACCOUNT_RATE_LIMIT"])


def _once_per_window(limit: RateLimitItem) -> RateLimitItem:
    return type(limit)(1, limit.multiples)


@dataclass(frozen=True)
class AccountThrottle:
    kind: str

    def refuses(self, email: str) -> bool:
        """Whether this client address may not try ``email``'s account now (for the SMS kinds,
        ``email`` is the phone number)."""
        if not limiter.enabled or not email:
            return False
        per_account = _per_account()
        attacked = not limiter.limiter.test(per_account, self.kind, email)
        tried_here = not limiter.limiter.test(_once_per_window(per_account), *self._here(email))
        return attacked and tried_here

    def count(self, email: str) -> None:
        """Count an attempt on ``email``'s account from this client address."""
        if not limiter.enabled or not email:
            return
        per_account = _per_account()
        limiter.limiter.hit(per_account, self.kind, email)
        limiter.limiter.hit(_once_per_window(per_account), *self._here(email))

    def _here(self, email: str) -> tuple[str, str, str]:
        return self.kind, email, get_remote_address()


PASSWORD = AccountThrottle("sign-in-password")
LINK = AccountThrottle("sign-in-link")
SMS = AccountThrottle("sign-in-sms")
SMS_CODE = AccountThrottle("sign-in-sms-code")

CODE_REFUSED_MESSAGE = _l(
    "Det er prøvd for mange ganger på kort tid. Vent litt og prøv igjen, eller be lederen din om "
    "en engangskode."
)
