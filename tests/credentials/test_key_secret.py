"""``LMS_CREDENTIALS_KEY_SECRET`` at start-up: unset, the app's secret key stands in for it outside
production (``make run`` on a fresh machine sets nothing); set and usable, it is what the signing
keys are encrypted with; set but unusable, or unset in production, the app does not start, and the
error names the setting and says what is wrong, in the app and in the ``lms`` command."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from cryptography.fernet import InvalidToken

from lms import create_app
from lms.cli import main
from lms.config import SettingError
from lms.credentials import keys
from tests.conftest import app_config

SECRET = "x" * keys.MIN_SECRET_LENGTH
HTTPS = "https://laering.testvik.no"


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """``make_app(secret, base_url)``: an app made as at start-up, with ``LMS_CREDENTIALS_KEY_SECRET``
    as given in the environment (None: not there at all)."""

    def make(secret: str | None, base_url: str = "http://localhost"):
        if secret is None:
            monkeypatch.delenv(keys.SECRET_SETTING, raising=False)
        else:
            monkeypatch.setenv(keys.SECRET_SETTING, secret)
        config = app_config(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}")
        return create_app({**config, "BASE_URL": base_url})

    return make


def encrypted_with(app) -> bytes:
    with app.app_context():
        return keys._fernet().encrypt(b"a private key")


def readable(app, token: bytes) -> bool:
    with app.app_context():
        try:
            return keys._fernet().decrypt(token) == b"a private key"
        except InvalidToken:
            return False


def test_unset_outside_production_the_apps_secret_key_stands_in(make_app):
    app = make_app(None)
    token = encrypted_with(app)
    app.config["SECRET_KEY"] = "another-secret-key"
    assert not readable(app, token), "the keys were encrypted with the app's secret key"


@pytest.mark.parametrize("base_url", ["http://localhost", HTTPS])
def test_set_and_usable_it_is_what_the_keys_are_encrypted_with(make_app, base_url):
    app = make_app(SECRET, base_url)
    token = encrypted_with(app)
    app.config["SECRET_KEY"] = "another-secret-key"
    assert readable(app, token), "changing the app's secret key leaves the signing keys readable"
    app.config["CREDENTIALS_KEY_SECRET"] = "y" * keys.MIN_SECRET_LENGTH
    assert not readable(app, token)


@pytest.mark.parametrize("base_url", ["http://localhost", HTTPS])
@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("", "is set but empty"),
        ("   ", "is set but empty"),
        ("changeme", "is set but has 8 characters, fewer than the 32"),
    ],
)
def test_set_but_unusable_the_app_does_not_start_and_says_why(make_app, base_url, secret, problem):
    with pytest.raises(SettingError) as refused:
        make_app(secret, base_url)
    assert str(refused.value).startswith(f"LMS_CREDENTIALS_KEY_SECRET {problem}")


def test_unset_in_production_the_app_does_not_start_and_says_why(make_app):
    with pytest.raises(SettingError) as refused:
        make_app(None, HTTPS)
    assert str(refused.value).startswith(
        "LMS_CREDENTIALS_KEY_SECRET is not set, and this installation is in production"
    )


@pytest.mark.parametrize(
    ("environment", "said"),
    [
        ({keys.SECRET_SETTING: "changeme"}, "LMS_CREDENTIALS_KEY_SECRET is set but has 8 characters"),
        ({"LMS_BASE_URL": HTTPS}, "LMS_CREDENTIALS_KEY_SECRET is not set, and this installation"),
    ],
)
def test_lms_credentials_check_reports_it(tmp_path, monkeypatch, environment, said):
    monkeypatch.delenv(keys.SECRET_SETTING, raising=False)
    monkeypatch.chdir(tmp_path)
    env = {
        "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
        "LMS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        **environment,
    }
    result = CliRunner().invoke(main, ["credentials", "check"], env=env)
    assert result.exit_code == 1
    assert f"Error: {said}" in result.output
    assert "Traceback" not in result.output
