"""How the secrets of machine clients are made and kept: the built-in LRS's keys
(``xapi.lrs.credentials``) and the platform's API keys (``lms.api.keys``) share it.

A secret is 32 random bytes (``new_secret``), so it cannot be guessed and a slow hash would add
nothing but CPU: it is kept as its SHA-256 (``sha256$<hex>``), checked in constant time. Keys of the
LRS made before this kept a salted scrypt hash (``scrypt$...``); such a hash still checks, and
``is_current`` tells the caller to replace it with the SHA-256 of the secret it has just seen.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "sha256"


def new_secret() -> str:
    """A fresh secret to show its client once (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return f"{SCHEME}${hashlib.sha256(secret.encode('utf-8')).hexdigest()}"


def is_current(stored_hash: str) -> bool:
    """Whether ``stored_hash`` is kept the way new secrets are."""
    return stored_hash.startswith(f"{SCHEME}$")


def secret_matches(secret: str, stored_hash: str) -> bool:
    scheme, _, rest = stored_hash.partition("$")
    if scheme == SCHEME:
        return hmac.compare_digest(hash_secret(secret), stored_hash)
    if scheme == "scrypt":
        return _legacy_scrypt_matches(secret, rest)
    return False


def _legacy_scrypt_matches(secret: str, parameters: str) -> bool:
    try:
        n, r, p, salt, digest = parameters.split("$")
        found = hashlib.scrypt(
            secret.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
            maxmem=64 * 1024 * 1024,
        )
    except ValueError:
        return False
    return hmac.compare_digest(found.hex(), digest)
