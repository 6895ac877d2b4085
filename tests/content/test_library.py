"""Where governance shows: the module library (/modules) and the admin's module list with each
module's responsible, review status and licence; the module page with its sources and licence; the
facilitator guide for those who may run the module as a group, there and on the group's screen.
Review dates are set relative to today, so nothing here depends on the calendar."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.content import services
from lms.content.models import ModuleVersion
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person
from tests.content.packages import EVERY_CARD, copy_package


def install_copy(app, tmp_path: Path, module_id: str, review_in_days: int, **replace: str) -> int:
    """A published copy of the fixture package whose review date is ``review_in_days`` away."""
    folder = copy_package(EVERY_CARD, tmp_path / module_id, module_id=module_id)
    manifest = folder / "module.yaml"
    with app.app_context():
        review_date = local_today() + timedelta(days=review_in_days)
    text = manifest.read_text(encoding="utf-8").replace("2027-12-01", review_date.isoformat())
    text = text.replace("nb: Alle korttyper", f"nb: Modul {module_id}")
    for old, new in replace.items():
        text = text.replace(old, new)
    manifest.write_text(text, encoding="utf-8")
    with app.app_context():
        version, _created = services.install(folder, "test", publish=True)
        db.session.commit()
        return version.id


def _item(page: str, title: str) -> str:
    """The text of the library entry of the module titled ``title``."""
    items = re.findall(r'<li class="library-item">.*?</li>', page, re.S)
    return next(re.sub(r"\s+", " ", item) for item in items if title in item)


def test_the_library_shows_responsible_review_status_and_licence(app, tmp_path, make_client, org):
    install_copy(app, tmp_path, "ny", 400)
    install_copy(app, tmp_path, "snart", 30, **{"CC-BY-4.0": "CC0-1.0"})
    install_copy(app, tmp_path, "gammel", -1, **{"CC-BY-4.0": "LicenseRef-Kommunen"})
    client = make_client()
    client.sign_in(org.nurse)
    page = client.get("/modules").get_data(as_text=True)
    new, soon, old = _item(page, "Modul ny"), _item(page, "Modul snart"), _item(page, "Modul gammel")
    assert "Faglig ansvarlig</dt><dd>Fagansvarlig sykepleier</dd>" in new
    assert 'data-review="current">Gjeldende<' in new
    assert 'data-review="due">Skal gjennomgås snart<' in soon
    assert 'data-review="passed">Gjennomgangsdatoen er passert<' in old
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC-BY-4.0</a>' in new
    assert '<a href="https://creativecommons.org/publicdomain/zero/1.0/" rel="license">' in soon
    assert "<dd>LicenseRef-Kommunen</dd>" in old
    assert 'href="/learn/ny"' in new


def test_the_home_page_links_to_the_library(make_client, org):
    client = make_client()
    client.sign_in(org.nurse)
    assert 'href="/modules"' in client.get("/").get_data(as_text=True)


def test_the_library_query_count_does_not_grow(app, tmp_path, make_client, org, count_queries):
    install_copy(app, tmp_path, "modul-a", 400)
    client = make_client()
    client.sign_in(org.nurse)
    client.get("/modules")
    with count_queries() as few:
        assert client.get("/modules").status_code == 200
    for name in ("modul-b", "modul-c", "modul-d"):
        install_copy(app, tmp_path, name, 30)
    with count_queries() as many:
        page = client.get("/modules").get_data(as_text=True)
    assert page.count('<li class="library-item">') == 4
    assert many.n == few.n


def test_the_library_needs_a_signed_in_person(client):
    assert client.get("/modules").status_code in (302, 401)


# The admin's module list ------------------------------------------------------------------------


def test_the_admin_list_shows_owner_review_and_licence(app, tmp_path, make_client, org):
    version_id = install_copy(app, tmp_path, "eid", 10)
    with app.app_context():
        module = db.session.get(ModuleVersion, version_id).module
        services.set_owner(module, db.session.get(Person, org.manager.id))
        db.session.commit()
    install_copy(app, tmp_path, "uten-eier", 500)
    client = make_client()
    client.sign_in(org.admin)
    page = re.sub(r"\s+", " ", client.get("/admin/modules/").get_data(as_text=True))
    owned = page[page.index('id="module-eid"') : page.index('id="module-uten-eier"')]
    assert "<dt>Eier</dt><dd>Mona Leder</dd>" in owned
    assert 'data-review="due"' in owned and "CC-BY-4.0</a>" in owned
    assert "Faglig ansvarlig</dt><dd>Fagansvarlig sykepleier</dd>" in owned
    rest = page[page.index('id="module-uten-eier"') :]
    assert "<dt>Eier</dt><dd>Ingen ennå</dd>" in rest and 'data-review="current"' in rest


# The module page and the facilitator guide ----------------------------------------------------


GUIDE = "Stopp ved refleksjonskortet og la alle si én ting."


def test_the_module_page_shows_sources_and_licence(fixture_module, make_client, org):
    client = make_client()
    client.sign_in(org.nurse)
    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert '<a href="https://lovdata.no/dokument/NL/lov/1999-07-02-64">Helsepersonelloven</a>' in page
    assert "lest 1. des. 2026" in page
    assert 'rel="license">CC-BY-4.0</a>' in page
    assert "Fagansvarlig sykepleier" in page and "Lærevakt-redaksjonen" in page


def test_staff_do_not_see_the_facilitator_guide(fixture_module, make_client, org):
    client = make_client()
    client.sign_in(org.nurse)
    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert GUIDE not in page and "data-facilitator-guide" not in page


@pytest.mark.parametrize("who", ["facilitator", "manager"])
def test_those_who_run_groups_see_the_facilitator_guide(fixture_module, make_client, org, who):
    client = make_client()
    client.sign_in(getattr(org, who))
    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert "<summary>Veiledning for deg som leder gruppa</summary>" in page
    assert GUIDE in page


def test_the_group_screen_shows_the_facilitator_guide(app, fixture_module, make_client, org):
    client = make_client()
    client.sign_in(org.facilitator)
    response = client.submit("/groups/runs", {"module_id": fixture_module, "unit_id": str(org.zone.id)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-facilitator-guide" in page and GUIDE in page


def test_the_admin_can_see_a_versions_governance(app, fixture_module, make_client, org):
    with app.app_context():
        version_id = db.session.scalar(sa.select(ModuleVersion.id).filter_by(module_id=fixture_module))
    client = make_client()
    client.sign_in(org.admin)
    page = client.get(f"/admin/modules/versions/{version_id}").get_data(as_text=True)
    assert "<dt>Eier</dt><dd>Ingen ennå</dd>" in page
    assert 'name="email"' in page
