"""Settings from ``LMS_*`` environment variables, with defaults that run anywhere.

Every setting is listed in ``SETTINGS`` with its default and meaning; the README's table is made from
the same names. ``load_config`` turns the environment into the dict that Flask's config is updated with.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("LMS_DATABASE_URL", None, "SQLAlchemy URL; default SQLite in the instance folder"),
    Setting("LMS_BASE_URL", "http://127.0.0.1:5000", "public address, used in links and xAPI ids"),
    Setting(
        "LMS_SECRET_KEY",
        None,
        "session signing key; default generated once into the instance folder",
    ),
    Setting("LMS_INSTANCE_PATH", None, "folder for the SQLite file, secret key and mail log"),
    Setting(
        "LMS_DEFAULT_LOCALE",
        "nb",
        "the municipality's interface language for people who have not chosen one and whose "
        "browser asks for none of ours: nb (Bokmål), nn (Nynorsk) or en",
    ),
    Setting("LMS_TIMEZONE", "Europe/Oslo", "time zone that times are shown in"),
    Setting("LMS_SMTP_HOST", None, "SMTP server; unset: mail is appended to instance/mail.log"),
    Setting("LMS_SMTP_PORT", "587", "SMTP port"),
    Setting("LMS_SMTP_USER", None, "SMTP user name"),
    Setting("LMS_SMTP_PASSWORD", None, "SMTP password"),
    Setting("LMS_SMTP_STARTTLS", "true", "use STARTTLS on the SMTP connection"),
    Setting("LMS_MAIL_FROM", "Lærevakt <noreply@localhost>", "sender address of outgoing mail"),
    Setting("LMS_SIGNIN_LINK_MINUTES", "15", "how long an e-mailed sign-in link stays valid"),
    Setting(
        "LMS_SIGNIN_RATE_LIMIT",
        "5 per minute",
        "failed sign-ins allowed per client address, whatever the account",
    ),
    Setting(
        "LMS_SIGNIN_ACCOUNT_RATE_LIMIT",
        "10 per hour",
        "failed sign-ins (and, apart, sign-in link requests) for one account after which a client "
        "address that has already tried it is refused until the window ends; others may still try",
    ),
    Setting(
        "LMS_SESSION_IDLE_HOURS",
        "12",
        "a sign-in ends after this many hours without a request (a working shift)",
    ),
    Setting(
        "LMS_SESSION_MAX_HOURS", "168", "a sign-in ends this many hours after it began, in use or not"
    ),
    Setting(
        "LMS_RATELIMIT_STORAGE_URI",
        "memory://",
        "Flask-Limiter storage (redis://... for several processes; while it is down, each process "
        "counts in its own memory)",
    ),
    Setting("LMS_SECURE_COOKIES", None, "mark cookies Secure; default: true when LMS_BASE_URL is https"),
    Setting("LMS_TRUSTED_PROXIES", "0", "how many reverse proxies set X-Forwarded-For/-Proto in front"),
    Setting(
        "LMS_SCHEDULER",
        "false",
        "run the scheduler's jobs in this process (`make run` turns it on)",
    ),
    Setting(
        "LMS_MODULE_PATHS",
        None,
        "extra folders of module packages, separated by ':' (modules/ is always read)",
    ),
    Setting("LMS_LRS_ENDPOINT", None, "xAPI endpoint of the LRS; unset: the built-in LRS, in-process"),
    Setting("LMS_LRS_KEY", None, "key (user name) for the LRS"),
    Setting("LMS_LRS_SECRET", None, "secret (password) for the LRS"),
    Setting("LMS_XAPI_DELIVERY_SECONDS", "5", "how often the delivery job sends the outbox"),
    Setting(
        "LMS_XAPI_CLAIM_SECONDS",
        "300",
        "how long a deliverer's claim on a batch holds; after a crash the batch is sent again then",
    ),
    Setting("LMS_XAPI_KEEP_SENT_DAYS", "30", "how long delivered statements stay in the outbox"),
    Setting("LMS_LOG_LEVEL", "INFO", "logging level"),
    Setting(
        "LMS_RETENTION_INACTIVE_DAYS",
        "730",
        "erase a person this many days after they were made inactive (0: never)",
    ),
    Setting("LMS_RETENTION_AUDIT_DAYS", "1825", "how long audit log entries are kept"),
    Setting("LMS_RETENTION_REMINDER_DAYS", "180", "how long sent reminders are kept"),
    Setting("LMS_RETENTION_SIGN_IN_LINK_DAYS", "1", "how long sign-in links are kept after they expire"),
    Setting(
        "LMS_LRS_UNVERSIONED_REPLY",
        "2.0.0",
        "built-in LRS: version header on answers to unversioned requests from a key that never spoke",
    ),
    Setting(
        "LMS_GROUP_GONE_MINUTES", "20", "a phone silent this long when a group run closes counts as gone"
    ),
    Setting("LMS_REMINDER_WEEKLY_CAP", "2", "reminders per person per week, every kind"),
    Setting(
        "LMS_LATE_JOINER_DAYS",
        "30",
        "a unit assignment is due no sooner than this many days after a person's start date",
    ),
    Setting("LMS_REMINDER_TICK_MINUTES", "5", "how often the scheduler plans and sends reminders"),
    Setting(
        "LMS_SMS_GATEWAY",
        "log",
        "SMS gateway: `log` (writes instance/sms.log) or the name of one a plugin provides "
        "(e.g. `sveve`, see `docs/plugins.md`)",
    ),
    Setting(
        "LMS_PLUGINS",
        "",
        "installed plugins to load: names of `lms.plugins` entry points, comma-separated "
        "(see `docs/plugins.md`)",
    ),
    Setting("LMS_PUSH_CONTACT", "mailto:noreply@localhost", "contact sent with web push (VAPID sub)"),
    Setting(
        "LMS_OIDC_ISSUER",
        None,
        "OpenID provider for single sign-on (discovery at <issuer>/.well-known/openid-configuration); "
        "unset: no single sign-on",
    ),
    Setting("LMS_OIDC_CLIENT_ID", None, "client id registered at the OpenID provider"),
    Setting("LMS_OIDC_CLIENT_SECRET", None, "client secret registered at the OpenID provider"),
    Setting("LMS_OIDC_NAME", "kommunens pålogging", "name on the button: Logg inn med <name>"),
    Setting("LMS_OIDC_SCOPES", "openid profile email", "scopes asked of the OpenID provider"),
    Setting(
        "LMS_OIDC_SUBJECT_CLAIM",
        "sub",
        "the stable ID-token claim people are matched by (`oid` for Microsoft Entra ID)",
    ),
    Setting(
        "LMS_OIDC_CREATE_PEOPLE",
        "false",
        "create a person on a first single sign-on that matches nobody",
    ),
    Setting(
        "LMS_SHIFT_FEEDS_PRIVATE",
        "false",
        "allow iCalendar shift feeds on private/loopback addresses (tests, closed networks)",
    ),
)

_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}
LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}
"""The interface languages, each named in itself, as the language menus offer them."""
LOCALES = tuple(LANGUAGE_NAMES)
"""The interface languages (``LMS_DEFAULT_LOCALE`` is one of them)."""

TRUE_WORDS = {"1", "true", "yes", "on"}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE_WORDS


def _read(env: Mapping[str, str], name: str) -> str | None:
    default = _DEFAULTS[name]
    value = env.get(name)
    return value if value not in (None, "") else default


SHIPPED_MODULES = Path(__file__).resolve().parent.parent / "modules"
"""The content packages that come with Lærevakt (the repository's ``modules/``)."""


def _paths(value: str | None) -> list[Path]:
    return [Path(part) for part in (value or "").split(os.pathsep) if part.strip()]


def default_instance_path() -> Path:
    return Path.cwd() / "instance"


def persistent_secret_key(instance_path: Path) -> str:
    """Return the secret key kept in the instance folder, creating it (mode 0600) the first time."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class SettingError(ValueError):
    """A setting that stops the application from starting; the message names the setting
    (``LMS_...``), what is wrong with it and what to do. The ``lms`` command shows it as an error
    message and exits 1."""


def in_production(config: Mapping) -> bool:
    """Whether the installation is served to real people: its public address (``LMS_BASE_URL``)
    is https, or its cookies are marked Secure (``LMS_SECURE_COOKIES``, behind a proxy that
    terminates TLS), as README's *Running in production* sets it up. The embedded defaults
    (``make run``, the demo, the tests) are plain http on the local machine."""
    return str(config.get("BASE_URL", "")).startswith("https:") or bool(
        config.get("SESSION_COOKIE_SECURE")
    )


def _locale(env: Mapping[str, str]) -> str:
    value = _read(env, "LMS_DEFAULT_LOCALE")
    if value not in LOCALES:
        raise SettingError(f"LMS_DEFAULT_LOCALE is {value!r}; it must be one of {', '.join(LOCALES)}")
    return value


def load_config(env: Mapping[str, str] | None = None, given: Mapping | None = None) -> dict:
    """Build the Flask config from the environment (``os.environ`` unless given). ``given``: the
    settings the caller will put over it; an instance folder or secret key given there is used
    as is, so no secret key file is made where the caller did not ask for one."""
    env = os.environ if env is None else env
    given = given or {}
    instance_path = Path(
        given.get("INSTANCE_PATH") or _read(env, "LMS_INSTANCE_PATH") or default_instance_path()
    ).resolve()
    base_url = _read(env, "LMS_BASE_URL").rstrip("/")
    database_url = _read(env, "LMS_DATABASE_URL") or f"sqlite:///{instance_path / 'lms.sqlite3'}"
    secure_setting = _read(env, "LMS_SECURE_COOKIES")
    secure = _flag(secure_setting) if secure_setting is not None else base_url.startswith("https:")
    return {
        "INSTANCE_PATH": instance_path,
        "BASE_URL": base_url,
        "SECRET_KEY": (
            given.get("SECRET_KEY")
            or _read(env, "LMS_SECRET_KEY")
            or persistent_secret_key(instance_path)
        ),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BABEL_DEFAULT_LOCALE": _locale(env),
        "BABEL_DEFAULT_TIMEZONE": _read(env, "LMS_TIMEZONE"),
        "SMTP_HOST": _read(env, "LMS_SMTP_HOST"),
        "SMTP_PORT": int(_read(env, "LMS_SMTP_PORT")),
        "SMTP_USER": _read(env, "LMS_SMTP_USER"),
        "SMTP_PASSWORD": _read(env, "LMS_SMTP_PASSWORD"),
        "SMTP_STARTTLS": _flag(_read(env, "LMS_SMTP_STARTTLS")),
        "MAIL_FROM": _read(env, "LMS_MAIL_FROM"),
        "SIGNIN_LINK_MINUTES": int(_read(env, "LMS_SIGNIN_LINK_MINUTES")),
        "SIGNIN_RATE_LIMIT": _read(env, "LMS_SIGNIN_RATE_LIMIT"),
        "SIGNIN_ACCOUNT_RATE_LIMIT": _read(env, "LMS_SIGNIN_ACCOUNT_RATE_LIMIT"),
        "SESSION_IDLE_HOURS": float(_read(env, "LMS_SESSION_IDLE_HOURS")),
        "SESSION_MAX_HOURS": float(_read(env, "LMS_SESSION_MAX_HOURS")),
        "RATELIMIT_STORAGE_URI": _read(env, "LMS_RATELIMIT_STORAGE_URI"),
        # Storage down (redis stopped): each process counts in its own memory until it is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "TRUSTED_PROXIES": int(_read(env, "LMS_TRUSTED_PROXIES")),
        "SCHEDULER_ENABLED": _flag(_read(env, "LMS_SCHEDULER")),
        "LOG_LEVEL": _read(env, "LMS_LOG_LEVEL"),
        "RETENTION_INACTIVE_DAYS": float(_read(env, "LMS_RETENTION_INACTIVE_DAYS")),
        "RETENTION_AUDIT_DAYS": float(_read(env, "LMS_RETENTION_AUDIT_DAYS")),
        "RETENTION_REMINDER_DAYS": float(_read(env, "LMS_RETENTION_REMINDER_DAYS")),
        "RETENTION_SIGN_IN_LINK_DAYS": float(_read(env, "LMS_RETENTION_SIGN_IN_LINK_DAYS")),
        "REMINDER_WEEKLY_CAP": int(_read(env, "LMS_REMINDER_WEEKLY_CAP")),
        "LATE_JOINER_DAYS": int(_read(env, "LMS_LATE_JOINER_DAYS")),
        "REMINDER_TICK_MINUTES": float(_read(env, "LMS_REMINDER_TICK_MINUTES")),
        "SMS_GATEWAY": _read(env, "LMS_SMS_GATEWAY"),
        "PLUGINS": _read(env, "LMS_PLUGINS"),
        "PUSH_CONTACT": _read(env, "LMS_PUSH_CONTACT"),
        "OIDC_ISSUER": _read(env, "LMS_OIDC_ISSUER"),
        "OIDC_CLIENT_ID": _read(env, "LMS_OIDC_CLIENT_ID"),
        "OIDC_CLIENT_SECRET": _read(env, "LMS_OIDC_CLIENT_SECRET"),
        "OIDC_NAME": _read(env, "LMS_OIDC_NAME"),
        "OIDC_SCOPES": _read(env, "LMS_OIDC_SCOPES"),
        "OIDC_SUBJECT_CLAIM": _read(env, "LMS_OIDC_SUBJECT_CLAIM"),
        "OIDC_CREATE_PEOPLE": _flag(_read(env, "LMS_OIDC_CREATE_PEOPLE")),
        "SHIFT_FEEDS_PRIVATE": _flag(_read(env, "LMS_SHIFT_FEEDS_PRIVATE")),
        "GROUP_GONE_MINUTES": int(_read(env, "LMS_GROUP_GONE_MINUTES")),
        "LRS_UNVERSIONED_REPLY": _read(env, "LMS_LRS_UNVERSIONED_REPLY"),
        "LRS_ENDPOINT": _read(env, "LMS_LRS_ENDPOINT"),
        "LRS_KEY": _read(env, "LMS_LRS_KEY"),
        "LRS_SECRET": _read(env, "LMS_LRS_SECRET"),
        "XAPI_DELIVERY_SECONDS": float(_read(env, "LMS_XAPI_DELIVERY_SECONDS")),
        "XAPI_CLAIM_SECONDS": float(_read(env, "LMS_XAPI_CLAIM_SECONDS")),
        "XAPI_KEEP_SENT_DAYS": float(_read(env, "LMS_XAPI_KEEP_SENT_DAYS")),
        "MODULE_PATHS": [SHIPPED_MODULES, *_paths(_read(env, "LMS_MODULE_PATHS"))],
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }
