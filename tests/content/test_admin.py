"""The admin's module pages: the list with its versions, uploading a zip (a validation report, or a
draft with a preview), and publishing the draft."""

from __future__ import annotations

import io
import re

import pytest

from lms.content import services
from lms.content.models import ModuleVersion, VersionStatus
from lms.extensions import db
from tests.content.packages import (
    BROKEN,
    EVERY_CARD,
    assert_nothing_installed,
    copy_package,
    versions_of,
    zip_bytes,
    zip_folder,
)

URL = "/admin/modules/"


def _upload(client, data: bytes, filename: str = "pakke.zip"):
    return client.submit(
        URL + "upload",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def admin(make_client, org):
    client = make_client()
    client.sign_in(org.admin)
    return client


@pytest.mark.parametrize("who", ["manager", "facilitator", "nurse"])
def test_only_admins_reach_the_module_pages(app, make_client, org, who):
    with app.app_context():
        version, _created = services.install(EVERY_CARD, "test", publish=False)
        db.session.commit()
    client = make_client()
    client.sign_in(getattr(org, who))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}versions/{version.id}").status_code == 403
    assert _upload(client, zip_folder(EVERY_CARD)).status_code == 403
    assert client.submit(f"{URL}versions/{version.id}/publish").status_code == 403
    with app.app_context():
        assert db.session.get(ModuleVersion, version.id).status is VersionStatus.DRAFT


def test_the_admin_page_links_to_the_modules(admin):
    page = admin.get("/admin/").get_data(as_text=True)
    assert f'href="{URL}"' in page


def test_an_empty_list_and_the_upload_form(admin):
    page = admin.get(URL).get_data(as_text=True)
    assert "<h1>Moduler</h1>" in page
    assert "Ingen moduler er installert ennå." in page
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<label for="file">Zip-fil med modulpakken</label>', page)
    assert 'accept=".zip,application/zip"' in page and 'aria-describedby="file-hint"' in page
    assert "Høyst 20 MB." in page


def test_a_valid_zip_becomes_a_draft_with_a_preview(app, admin):
    response = _upload(admin, zip_folder(EVERY_CARD, prefix="alle-korttyper/"), "alle-korttyper.zip")
    assert response.status_code == 302
    with app.app_context():
        (version,) = versions_of("alle-korttyper")
        assert version.status is VersionStatus.DRAFT
        assert version.source == "upload:alle-korttyper.zip"
        assert services.current_version("alle-korttyper") is None
    assert response.headers["Location"].endswith(f"{URL}versions/{version.id}")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pakken er validert og installert som utkast." in page
    assert "Validert: Alle korttyper 1.0.0, 10 kort" in page
    for shown in ("Enkeltvalg", "Flervalg", "Rekkefølge", "Refleksjon", "Prøv på vakt"):
        assert shown in page
    assert "Hva gjør du når du går fra en delt PC?" in page
    assert "Et lite blått kvadrat" in page
    assert page.count('<th scope="row">') == 10
    assert f'action="{URL}versions/{version.id}/publish"' in page
    assert admin.get("/learn/alle-korttyper").status_code == 404


def test_publishing_the_draft_makes_it_the_one_people_take(app, admin):
    _upload(admin, zip_folder(EVERY_CARD))
    with app.app_context():
        (version,) = versions_of("alle-korttyper")
    list_page = admin.get(URL).get_data(as_text=True)
    assert "Utkast" in list_page and "Ingen versjon er publisert ennå." in list_page
    assert "upload:pakke.zip" in list_page
    response = admin.submit(f"{URL}versions/{version.id}/publish")
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    page = admin.get(URL).get_data(as_text=True)
    assert "Alle korttyper 1.0.0 er publisert." in page
    assert "Versjon 1.0.0 er i bruk." in page
    assert f'action="{URL}versions/{version.id}/publish"' not in page
    with app.app_context():
        assert services.current_version("alle-korttyper").id == version.id
    assert admin.get("/learn/alle-korttyper").status_code == 200


def test_publishing_needs_the_csrf_token(app, admin):
    _upload(admin, zip_folder(EVERY_CARD))
    with app.app_context():
        (version,) = versions_of("alle-korttyper")
    assert admin.post(f"{URL}versions/{version.id}/publish").status_code == 400
    with app.app_context():
        assert db.session.get(ModuleVersion, version.id).status is VersionStatus.DRAFT


def test_only_a_draft_is_published(app, admin):
    with app.app_context():
        version, _created = services.install(EVERY_CARD, "test", publish=True)
        db.session.commit()
        published_at = version.published_at
    response = admin.submit(f"{URL}versions/{version.id}/publish", follow_redirects=True)
    assert "Bare et utkast kan publiseres." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ModuleVersion, version.id).published_at == published_at


def test_uploading_the_same_package_again_changes_nothing(app, admin):
    _upload(admin, zip_folder(EVERY_CARD))
    response = _upload(admin, zip_folder(EVERY_CARD, prefix="kopi/"), "kopi.zip")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Denne pakken var installert fra før. Ingenting er endret." in page
    with app.app_context():
        assert [v.source for v in versions_of("alle-korttyper")] == ["upload:pakke.zip"]


def test_a_broken_zip_gets_a_report_and_installs_nothing(app, admin):
    data = zip_folder(BROKEN / "ukjent-korttype")
    response = _upload(admin, data, "ukjent.zip")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<h1>Pakken ble ikke installert</h1>" in page
    assert "1 feil i ukjent.zip" in page
    assert "<td>module.yaml</td><td>11</td><td>ukjent korttype «hotspot»" in page
    assert '<th scope="col">Fil</th><th scope="col">Linje</th><th scope="col">Feil</th>' in page
    with app.app_context():
        assert_nothing_installed("ukjent-korttype")


def test_the_report_lists_every_problem(app, admin):
    members = {"module.yaml": (BROKEN / "ulovlig-filtype" / "module.yaml").read_bytes()}
    members |= {"../ut.md": "x", "side.html": "<p>", "media/logo.bmp": "<svg/>"}
    response = _upload(admin, zip_bytes(members, symlinks={"lenke.md": "/etc/passwd"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "4 feil i pakke.zip" in page
    for member in ("../ut.md", "side.html", "media/logo.bmp", "lenke.md"):
        assert f"<td>{member}</td><td>–</td>" in page
    with app.app_context():
        assert_nothing_installed("ulovlig-filtype")


def test_not_a_zip_is_reported(app, admin):
    response = _upload(admin, b"%PDF-1.7 ikke en zip", "kurs.zip")
    assert response.status_code == 422
    assert "<td>kurs.zip</td><td>–</td><td>filen er ikke en gyldig zip-fil</td>" in (
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", None, "Velg en fil."),
        (b"PK", "kurs.pdf", "Velg en zip-fil (.zip)."),
    ],
)
def test_the_form_asks_for_a_zip(admin, data, filename, message):
    fields = {} if filename is None else {"file": (io.BytesIO(data), filename)}
    response = admin.submit(URL + "upload", fields, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page


def test_an_upload_over_20_mb_gets_a_clear_message(app, admin):
    big = b"0" * (20 * 1024 * 1024 + 1)
    response = _upload(admin, big, "stor.zip")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Filen er for stor. En modulpakke kan være høyst 20 MB." in page
    assert "<h1>Moduler</h1>" in page


def test_a_non_admin_over_the_limit_sees_only_the_error(app, make_client, org):
    with app.app_context():
        services.install(EVERY_CARD, "test", publish=True)
        db.session.commit()
    client = make_client()
    client.sign_in(org.nurse)
    response = _upload(client, b"0" * (20 * 1024 * 1024 + 1), "stor.zip")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "høyst 20 MB" in page
    assert "Alle korttyper" not in page and "Installerte moduler" not in page


def test_the_list_shows_versions_status_source_and_attempts(app, admin, org, tmp_path):
    from lms.learning.services import start_or_resume
    from lms.organisation.models import Person

    v2 = copy_package(EVERY_CARD, tmp_path / "v2", version="1.1.0")
    (v2 / "intro.md").write_text("## Ny\n\nNy versjon.\n", encoding="utf-8")
    with app.app_context():
        v1, _created = services.install(EVERY_CARD, "/srv/moduler/alle-korttyper", publish=True)
        start_or_resume(db.session.get(Person, org.nurse.id), v1)
        services.install(v2, "upload:alle-korttyper-1.1.zip", publish=False)
        db.session.commit()
    page = admin.get(URL).get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)
    assert len(rows) == 2
    assert 'aria-label="Publiser Alle korttyper 1.1.0">Publiser</button>' in rows[0]
    assert ">Publiser<" not in rows[1]
    newest, oldest = (re.sub(r"<[^>]+>", " ", row) for row in rows)
    assert "1.1.0" in newest and "Utkast" in newest and "upload:alle-korttyper-1.1.zip" in newest
    assert "1.0.0" in oldest and "Publisert" in oldest and "/srv/moduler/alle-korttyper" in oldest
    assert re.search(r"\s1\s", oldest.split("/srv/moduler/alle-korttyper")[1])


def test_the_list_page_query_count_does_not_grow(app, admin, tmp_path, count_queries):
    def install(module_id: str, versions: int) -> None:
        for minor in range(versions):
            folder = copy_package(
                EVERY_CARD, tmp_path / f"{module_id}-{minor}", module_id=module_id, version=f"1.{minor}"
            )
            (folder / "intro.md").write_text(f"## Versjon 1.{minor}\n", encoding="utf-8")
            services.install(folder, "test", publish=minor == 0)

    with app.app_context():
        install("modul-a", 1)
        db.session.commit()
    admin.get(URL)
    with count_queries() as few:
        assert admin.get(URL).status_code == 200
    with app.app_context():
        for name in ("modul-b", "modul-c", "modul-d"):
            install(name, 3)
        db.session.commit()
    with count_queries() as many:
        page = admin.get(URL).get_data(as_text=True)
    assert page.count('<th scope="row">') == 10
    assert many.n == few.n
