"""A card type and a module pack from a distribution outside ``lms``, found only through entry points."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.cli import main
from lms.content import library, services
from lms.content.models import ModuleVersion, VersionStatus
from lms.content.problems import InvalidPackage
from lms.extensions import db
from lms.learning.models import Answer, Attempt
from lms.plugins import card_types
from tests.plugins.conftest import CARD_TYPES, MODULE_PACKS

PLUGIN_MODULE = Path(__file__).parent.parent / "fixtures" / "plugin-module"


def test_without_the_plugin_the_card_type_is_unknown(app):
    card_types.cache_clear()
    assert "number_guess" not in card_types()
    with pytest.raises(InvalidPackage) as raised:
        library.parse(PLUGIN_MODULE)
    (problem,) = raised.value.problems
    assert (problem.file, problem.line) == ("module.yaml", 11)
    assert "ukjent korttype «number_guess»" in problem.message
    result = app.test_cli_runner().invoke(main, args=["modules", "validate", str(PLUGIN_MODULE)])
    assert result.exit_code == 1
    assert "module.yaml:11: ukjent korttype «number_guess»" in result.output


def test_with_the_plugin_the_package_validates(app, install_plugin):
    install_plugin(CARD_TYPES)
    assert type(card_types()["number_guess"]).__module__ == "lms_test_plugin.cards"
    assert card_types()["number_guess"].name == "number_guess"
    assert "text" in card_types()  # the built-ins are still there
    module = library.parse(PLUGIN_MODULE)
    card = module.card("hvile")
    assert card.type == "number_guess" and card.data["scored"] is True
    assert module.scored_cards == (card,)
    result = app.test_cli_runner().invoke(main, args=["modules", "validate", str(PLUGIN_MODULE)])
    assert result.exit_code == 0, result.output
    assert "OK plugin-modul 1.0.0 (2 cards)" in result.output


def test_the_plugin_reports_its_own_problems_with_lines(tmp_path, install_plugin):
    install_plugin(CARD_TYPES)
    package = tmp_path / "pakke"
    package.mkdir()
    text = (PLUGIN_MODULE / "module.yaml").read_text(encoding="utf-8")
    (package / "module.yaml").write_text(text.replace("answer: 11", "answer: elleve"), "utf-8")
    with pytest.raises(InvalidPackage) as raised:
        library.parse(package)
    assert [(p.file, p.line, p.message) for p in raised.value.problems] == [
        ("module.yaml", 13, "«answer» skal være et tall")
    ]


def _start(client, module_id: str) -> tuple[int, str]:
    assert client.get(f"/learn/{module_id}").status_code == 200
    response = client.submit(f"/learn/{module_id}/start")
    assert response.status_code == 302
    match = re.search(r"/attempts/(\d+)/cards/(\d+)$", response.headers["Location"])
    return int(match.group(1)), response.headers["Location"]


def test_a_person_takes_the_plugin_module_in_the_player(app, make_client, org, install_plugin):
    install_plugin(CARD_TYPES)
    with app.app_context():
        version, created = services.install(PLUGIN_MODULE, "test", publish=True)
        db.session.commit()
    assert created and version.status is VersionStatus.PUBLISHED
    client = make_client()
    client.sign_in(org.nurse)
    attempt_id, location = _start(client, "plugin-modul")
    assert location.endswith(f"/attempts/{attempt_id}/cards/0")
    assert client.submit(f"/attempts/{attempt_id}/cards/0/next").status_code == 302

    page = client.get(f"/attempts/{attempt_id}/cards/1").get_data(as_text=True)
    assert "Hvor mange timer skal det minst være mellom to vakter?" in page
    assert '<label for="card-hvile-number">Ditt svar (timer)</label>' in page
    assert 'inputmode="decimal" name="response" id="card-hvile-number"' in page

    refused = client.submit(f"/attempts/{attempt_id}/cards/1", {"response": "mange"})
    assert refused.status_code == 422
    assert "Skriv svaret som et tall." in refused.get_data(as_text=True)

    answered = client.submit(f"/attempts/{attempt_id}/cards/1", {"response": "10,5"})
    assert answered.status_code == 302
    page = client.get(f"/attempts/{attempt_id}/cards/1").get_data(as_text=True)
    assert 'data-plugin="number_guess">Ikke helt.' in page
    assert "Svaret er 11." in page
    assert "minst 11 timer sammenhengende hvile" in page

    done = client.submit(f"/attempts/{attempt_id}/cards/1/next")
    assert done.headers["Location"].endswith(f"/attempts/{attempt_id}/done")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        answer = db.session.scalar(sa.select(Answer).filter_by(attempt_id=attempt_id))
        assert (answer.card_id, answer.response, answer.score) == ("hvile", 10.5, 0.0)
        assert attempt.completed and attempt.score == 0.0 and attempt.passed is False


def test_a_right_answer_within_the_tolerance_passes(app, make_client, org, install_plugin):
    install_plugin(CARD_TYPES)
    with app.app_context():
        services.install(PLUGIN_MODULE, "test", publish=True)
        db.session.commit()
    client = make_client()
    client.sign_in(org.assistant)
    attempt_id, _location = _start(client, "plugin-modul")
    client.submit(f"/attempts/{attempt_id}/cards/0/next")
    assert client.submit(f"/attempts/{attempt_id}/cards/1", {"response": " 11 "}).status_code == 302
    page = client.get(f"/attempts/{attempt_id}/cards/1").get_data(as_text=True)
    assert 'data-plugin="number_guess">Riktig!' in page
    assert 'value="11"' in page and "disabled" in page
    client.submit(f"/attempts/{attempt_id}/cards/1/next")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.completed and attempt.score == 1.0 and attempt.passed is True


def test_the_plugin_describes_its_xapi_interaction(install_plugin):
    install_plugin(CARD_TYPES)
    card = library.parse(PLUGIN_MODULE).card("hvile")
    card_type = card_types()["number_guess"]
    assert card_type.interaction_type == "numeric"
    assert card_type.interaction(card) == {"correctResponsesPattern": ["11[:]11"]}
    assert card_type.response_text(card, 10.5) == "10.5"


def test_a_module_pack_entry_point_is_installed_by_sync(app, install_plugin, monkeypatch):
    install_plugin(CARD_TYPES + MODULE_PACKS)
    monkeypatch.setitem(app.config, "MODULE_PATHS", [])
    result = app.test_cli_runner().invoke(main, args=["modules", "sync"])
    assert result.exit_code == 0, result.output
    assert re.search(r"installed\s+pakke-fra-plugin 1\.0\.0\s+\S*lms_test_plugin/pack/", result.output)
    with app.app_context():
        version = services.current_version("pakke-fra-plugin")
        assert version is not None and version.version == "1.0.0"
        assert version.source.endswith("lms_test_plugin/pack/pakke-fra-plugin")
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ModuleVersion)
                .filter_by(module_id="pakke-fra-plugin")
            )
            == 1
        )
    again = app.test_cli_runner().invoke(main, args=["modules", "sync"])
    assert again.exit_code == 0, again.output
    assert re.search(r"unchanged\s+pakke-fra-plugin 1\.0\.0", again.output)


def test_without_the_entry_point_sync_does_not_see_the_pack(app, monkeypatch):
    monkeypatch.setitem(app.config, "MODULE_PATHS", [])
    result = app.test_cli_runner().invoke(main, args=["modules", "sync"])
    assert result.exit_code == 0, result.output
    assert "pakke-fra-plugin" not in result.output


def test_the_plugin_card_renders_the_same_in_the_bundle_and_on_the_server_path(
    app, make_client, org, install_plugin
):
    install_plugin(CARD_TYPES)
    with app.app_context():
        services.install(PLUGIN_MODULE, "test", publish=True)
        db.session.commit()
    client = make_client()
    client.sign_in(org.nurse)
    attempt_id, _location = _start(client, "plugin-modul")
    page = client.get(f"/attempts/{attempt_id}/cards/1").get_data(as_text=True)
    bundle_url = html.unescape(re.search(r'data-bundle="([^"]+)"', page).group(1))
    card = client.get(bundle_url).get_json()["cards"][1]

    slot = re.search(
        r'<div class="card-content" data-card-slot>(.*?)</div>\n\s*<div class="player', page, re.S
    )
    assert card["html"] == slot.group(1)
    assert 'inputmode="decimal" name="response" id="card-hvile-number"' in card["html"]

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = client.post(
        f"/attempts/{attempt_id}/answers",
        json={"card_id": "hvile", "fields": {"response": "11"}},
        headers={"X-CSRFToken": token},
    )
    assert sent.status_code == 201
    assert 'data-plugin="number_guess">Riktig!' in sent.get_json()["html"]
