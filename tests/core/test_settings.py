"""Where the settings come from, and what making an app writes to disk."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.config import load_config
from tests.conftest import app_config


def test_an_app_given_its_folder_and_secret_key_writes_nothing_where_it_runs(tmp_path, monkeypatch):
    where_it_runs = tmp_path / "cwd"
    where_it_runs.mkdir()
    monkeypatch.chdir(where_it_runs)
    for name in ("LMS_INSTANCE_PATH", "LMS_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)

    app = create_app(app_config(tmp_path / "instance", f"sqlite:///{tmp_path / 'app.sqlite3'}"))

    assert app.config["SECRET_KEY"] == "test-secret-key"
    assert list(where_it_runs.iterdir()) == []


def test_without_a_secret_key_one_is_made_once_and_kept_in_the_instance_folder(tmp_path):
    first = load_config({"LMS_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]

    assert (tmp_path / "secret_key").read_text() == first and len(first) >= 40
    assert load_config({"LMS_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == first


def test_a_municipality_that_writes_nynorsk_shows_nynorsk_to_people_who_have_not_chosen(tmp_path):
    config = app_config(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}")
    settings = {"LMS_DEFAULT_LOCALE": "nn", "LMS_INSTANCE_PATH": str(tmp_path), "LMS_SECRET_KEY": "x"}
    config["BABEL_DEFAULT_LOCALE"] = load_config(settings)["BABEL_DEFAULT_LOCALE"]
    client = create_app(config).test_client()
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="nn">' in page and "Mange passord å hugse?" in page
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page, "the browser's own language still wins over the default"


def test_an_unknown_default_language_is_refused_by_name():
    with pytest.raises(ValueError, match="LMS_DEFAULT_LOCALE is 'nn_NO'; it must be one of nb, nn, en"):
        load_config({"LMS_DEFAULT_LOCALE": "nn_NO", "LMS_SECRET_KEY": "x"})
